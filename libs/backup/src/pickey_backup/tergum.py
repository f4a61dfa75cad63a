"""A backup run (dump, upload, prune, report) and a restore."""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import structlog
from prometheus_client import CollectorRegistry
from sqlalchemy.engine import make_url

from pickey_backup import keys, postgres, report
from pickey_backup.bucket import open_bucket
from pickey_backup.settings import BackupSettings

logger = structlog.get_logger(__name__)


class BackupFailed(RuntimeError):
    """The run did not produce an uploaded dump (the reason is chained)."""


class RestoreRefused(RuntimeError):
    """The target database is not empty: a restore never merges into live data."""


@dataclass(frozen=True)
class BackupResult:
    key: str
    size_bytes: int
    deleted: list[str]


def _database_url(settings: BackupSettings) -> str:
    return settings.database_url.unicode_string()


async def run_backup(settings: BackupSettings, *, now: datetime | None = None) -> BackupResult:
    """Dump, upload, delete expired dumps, report. Raises :class:`BackupFailed` after reporting
    the failure; nothing is deleted unless the new dump is safely uploaded."""
    config = settings.backup
    database_url = _database_url(settings)
    database = postgres.database_name(database_url)
    started = time.monotonic()
    taken_at = now or datetime.now(UTC)
    key = keys.dump_key(config.prefix, database, taken_at)
    try:
        with tempfile.TemporaryDirectory(dir=config.scratch_dir) as scratch:
            dump_file = Path(scratch) / "database.dump"
            await postgres.dump(database_url, dump_file, bin_dir=config.postgres_bin_dir)
            size = dump_file.stat().st_size
            async with open_bucket(config) as bucket:
                await bucket.upload(dump_file, key)
                existing = await bucket.keys(keys.database_prefix(config.prefix, database))
                deleted = keys.expired(existing, now=taken_at, keep_days=config.keep_days)
                await bucket.delete(deleted)
    except Exception as error:
        logger.error("backup failed", database=database, error=str(error))
        await _report_quietly(
            config.pushgateway_url, report.failure_registry(time.time()), database
        )
        raise BackupFailed(f"backup of {database} failed: {error}") from error
    duration = time.monotonic() - started
    logger.info(
        "backup succeeded",
        database=database,
        key=key,
        size_bytes=size,
        duration_seconds=round(duration, 1),
        deleted=len(deleted),
    )
    await _report_quietly(
        config.pushgateway_url, report.success_registry(time.time(), size, duration), database
    )
    return BackupResult(key, size, deleted)


async def _report_quietly(gateway_url: str, registry: CollectorRegistry, database: str) -> None:
    """A Pushgateway outage must not turn a good backup into a failed job (the age alert
    still fires if reports keep failing), so it is logged, not raised."""
    try:
        await report.push(gateway_url, registry, database)
    except OSError as error:
        logger.warning("could not report to the Pushgateway", error=str(error))


async def list_dumps(settings: BackupSettings) -> list[str]:
    """Keys of this database's dumps, oldest first."""
    config = settings.backup
    database = postgres.database_name(_database_url(settings))
    async with open_bucket(config) as bucket:
        found = await bucket.keys(keys.database_prefix(config.prefix, database))
    return [key for _, key in keys.dated(found)]


async def restore_backup(settings: BackupSettings, key: str | None, target_url: str) -> str:
    """Download a dump (the latest when ``key`` is None) and restore it into ``target_url``,
    which must be an empty database (created when missing). Returns the restored key."""
    from pickey_core.migrate import ensure_database

    config = settings.backup
    chosen = key
    if chosen is None:
        dumps = await list_dumps(settings)
        if not dumps:
            raise BackupFailed("there is no dump to restore")
        chosen = dumps[-1]
    await ensure_database(target_url)
    tables = await _user_tables(target_url)
    if tables:
        raise RestoreRefused(
            f"{postgres.database_name(target_url)} already has {len(tables)} tables "
            f"({', '.join(sorted(tables)[:3])}...); restore into an empty database"
        )
    with tempfile.TemporaryDirectory(dir=config.scratch_dir) as scratch:
        dump_file = Path(scratch) / "database.dump"
        async with open_bucket(config) as bucket:
            await bucket.download(chosen, dump_file)
        await postgres.restore(target_url, dump_file, bin_dir=config.postgres_bin_dir)
    logger.info("restore finished", key=chosen, database=postgres.database_name(target_url))
    return chosen


async def _user_tables(database_url: str) -> list[str]:
    url = make_url(database_url).set(drivername="postgresql")
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        rows = await connection.fetch(
            "SELECT table_schema || '.' || table_name AS name FROM information_schema.tables "
            "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')"
        )
    finally:
        await connection.close()
    return [row["name"] for row in rows]
