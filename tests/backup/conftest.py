"""Databases of their own for backup tests, and backup settings on the moto S3 server."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import pytest
from alembic import command
from pydantic import PostgresDsn, SecretStr
from sqlalchemy.engine import make_url

from pickey_backup.settings import BackupConfig, BackupSettings
from pickey_core.migrations import alembic_config
from pickey_core.settings import StorageConfig
from tests.support.infra import _admin_execute, admin_database_url, drop_database
from tests.support.s3 import S3_ACCESS_KEY_ID, S3_REGION, S3_SECRET_ACCESS_KEY

NewDatabase = Callable[[str], Awaitable[str]]


@pytest.fixture
async def new_database() -> AsyncIterator[NewDatabase]:
    """Make an empty database with a unique name (dropped after the test); returns its URL."""
    created: list[str] = []

    async def make(label: str) -> str:
        name = f"pickey_{label}_{os.getpid()}_{uuid.uuid4().hex[:8]}"
        await _admin_execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        url = make_url(admin_database_url()).set(database=name)
        return url.render_as_string(hide_password=False)

    yield make
    for name in created:
        await drop_database(name)


@pytest.fixture
async def migrated_database(new_database: NewDatabase) -> str:
    url = await new_database("backup_source")
    # Alembic runs its own event loop: give it a thread without one.
    await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
    return url


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
