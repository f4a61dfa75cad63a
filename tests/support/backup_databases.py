"""Throwaway databases for the backup tests, and the backup settings that point at them."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

from pydantic import PostgresDsn, SecretStr

from pickey_backup.settings import BackupConfig, BackupSettings
from pickey_core.settings import StorageConfig
from tests.support.s3 import S3_ACCESS_KEY_ID, S3_REGION, S3_SECRET_ACCESS_KEY

NewDatabase = Callable[[str], Awaitable[str]]


def backup_settings(
    database_url: str, storage: StorageConfig, scratch: Path, **overrides: object
) -> BackupSettings:
    config = BackupConfig(
        s3_endpoint_url=storage.s3_endpoint_url,
        s3_region=S3_REGION,
        s3_bucket=storage.s3_bucket,
        s3_access_key_id=SecretStr(S3_ACCESS_KEY_ID),
        s3_secret_access_key=SecretStr(S3_SECRET_ACCESS_KEY),
        scratch_dir=str(scratch),
        **overrides,  # type: ignore[arg-type]
    )
    return BackupSettings(database_url=PostgresDsn(database_url), backup=config)
