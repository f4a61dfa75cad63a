"""A dump made by the backup job restores into an empty database with the same rows; old dumps
expire but the newest never does; the outcome reaches the Pushgateway either way."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

from pickey_backup import keys
from pickey_backup.tergum import BackupFailed, RestoreRefused, restore_backup, run_backup
from pickey_core.settings import StorageConfig
from tests.support import factories
from tests.support.backup_databases import NewDatabase, backup_settings
from tests.support.infra import asyncpg_dsn
from tests.support.pushgateway import Pushgateway

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client


async def seed(database_url: str) -> None:
    """A creator with tiers, members, followers and posts: rows in many related tables."""
    engine = create_async_engine(database_url)
    try:
        async with async_sessionmaker(engine, expire_on_commit=False)() as session:
            creator = await factories.creator(session)
            tiers = [
                await factories.tier(session, creator, price=59 * (i + 1) * 100) for i in range(3)
            ]
            for index in range(12):
                fan = await factories.user(session)
                await factories.follow(session, fan, creator)
                if index % 2:
                    await factories.membership(session, fan, tiers[index % 3])
            for _ in range(5):
                await factories.post(session, creator)
            await session.commit()
    finally:
        await engine.dispose()


async def row_counts(database_url: str) -> dict[str, int]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        tables = await connection.fetch(
            "SELECT table_name FROM information_schema.tables "
            "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
        )
        return {
            row["table_name"]: await connection.fetchval(
                f'SELECT count(*) FROM "{row["table_name"]}"'
            )
            for row in tables
        }
    finally:
        await connection.close()


async def test_a_dump_restores_into_an_empty_database_with_identical_rows(
    migrated_database: str,
    new_database: NewDatabase,
    s3_storage_config: StorageConfig,
    s3_admin_client: S3Client,
    pushgateway: Pushgateway,
    tmp_path: Path,
) -> None:
    await seed(migrated_database)
    settings = backup_settings(
        migrated_database, s3_storage_config, tmp_path, pushgateway_url=pushgateway.url
    )

    result = await run_backup(settings)
    target = await new_database("backup_restore")
    restored = await restore_backup(settings, None, target)

    source_counts = await row_counts(migrated_database)
    assert restored == result.key
    assert source_counts["users"] >= 13
    assert source_counts["posts"] == 5
    assert await row_counts(target) == source_counts
    stored = await s3_admin_client.head_object(Bucket=s3_storage_config.s3_bucket, Key=result.key)
    assert stored["ContentLength"] == result.size_bytes
    database = make_url(migrated_database).database
    assert re.fullmatch(
        rf"postgres/{database}/\d{{4}}/\d{{2}}/\d{{2}}/{database}-\d{{8}}T\d{{6}}Z\.dump",
        result.key,
    )
    ((method, path, body),) = pushgateway.pushes
    assert method == "POST"
    assert path == f"/metrics/job/pickey-backup/database/{database}"
    assert "pickey_backup_last_success_timestamp_seconds" in body
    assert "pickey_backup_last_failure_timestamp_seconds" not in body


async def test_restore_refuses_a_database_that_has_tables(
    migrated_database: str, s3_storage_config: StorageConfig, tmp_path: Path
) -> None:
    settings = backup_settings(migrated_database, s3_storage_config, tmp_path)
    await run_backup(settings)

    with pytest.raises(RestoreRefused, match="already has"):
        await restore_backup(settings, None, migrated_database)


async def test_expired_dumps_are_deleted_after_a_good_backup(
    migrated_database: str,
    s3_storage_config: StorageConfig,
    s3_admin_client: S3Client,
    tmp_path: Path,
) -> None:
    settings = backup_settings(migrated_database, s3_storage_config, tmp_path, keep_days=7)
    database = make_url(migrated_database).database or ""
    now = datetime(2030, 5, 20, 2, 17, tzinfo=UTC)
    old = keys.dump_key("postgres/", database, now - timedelta(days=8))
    recent = keys.dump_key("postgres/", database, now - timedelta(days=6))
    unrelated = f"postgres/{database}/notes.txt"
    for key in (old, recent, unrelated):
        await s3_admin_client.put_object(Bucket=s3_storage_config.s3_bucket, Key=key, Body=b"x")

    result = await run_backup(settings, now=now)

    listing = await s3_admin_client.list_objects_v2(Bucket=s3_storage_config.s3_bucket)
    remaining = {item["Key"] for item in listing.get("Contents", [])}
    assert result.deleted == [old]
    assert remaining == {recent, unrelated, result.key}


def test_the_newest_dump_is_kept_however_old() -> None:
    now = datetime(2030, 1, 31, tzinfo=UTC)
    dumps = [keys.dump_key("postgres/", "pickey", now - timedelta(days=days)) for days in (90, 60)]

    assert keys.expired(dumps, now=now, keep_days=14) == [dumps[0]]
    assert keys.latest(dumps) == dumps[1]


async def test_a_failed_backup_is_reported_and_uploads_nothing(
    new_database: NewDatabase,
    s3_storage_config: StorageConfig,
    s3_admin_client: S3Client,
    pushgateway: Pushgateway,
    tmp_path: Path,
) -> None:
    missing = make_url(await new_database("backup_gone")).set(database="pickey_no_such_database")
    settings = backup_settings(
        missing.render_as_string(hide_password=False),
        s3_storage_config,
        tmp_path,
        pushgateway_url=pushgateway.url,
    )

    with pytest.raises(BackupFailed, match="pg_dump exited with 1"):
        await run_backup(settings)

    listing = await s3_admin_client.list_objects_v2(Bucket=s3_storage_config.s3_bucket)
    assert listing.get("KeyCount", 0) == 0
    ((method, _, body),) = pushgateway.pushes
    assert method == "POST"
    assert "pickey_backup_last_failure_timestamp_seconds" in body
    assert "pickey_backup_last_success_timestamp_seconds" not in body
