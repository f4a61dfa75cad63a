"""Which errors are an outage of PostgreSQL or Redis (503) and which are our bugs (500), on real
failures: a refused connection, a statement cancelled by the server's statement_timeout, a lock
wait cut by lock_timeout, a pool with no free connection, a Redis that is not there."""

from __future__ import annotations

import asyncio

import redis.asyncio as aioredis
import sqlalchemy.exc
from sqlalchemy import text

from pickey_core.database import create_engine
from pickey_core.http.dependency_errors import unavailable_dependency
from pickey_core.settings import PickeySettings
from tests.support.processes import free_port


def _settings(database_url: str, **overrides: object) -> PickeySettings:
    return PickeySettings(_env_file=None, database_url=database_url, **overrides)  # type: ignore[call-arg]


async def _error_of(coroutine: object) -> BaseException:
    try:
        await coroutine  # type: ignore[misc]
    except Exception as error:
        return error
    raise AssertionError("no error")


async def test_a_refused_database_connection_is_the_database(database_url: str) -> None:
    closed = database_url.replace(
        database_url.split("@")[1].split("/")[0], f"127.0.0.1:{free_port()}"
    )
    engine = create_engine(_settings(closed))
    try:

        async def query() -> None:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))

        assert unavailable_dependency(await _error_of(query())) == "database"
    finally:
        await engine.dispose()


async def test_statement_and_lock_timeouts_are_the_database(database_url: str) -> None:
    engine = create_engine(
        _settings(
            database_url,
            database_statement_timeout_seconds=0.2,
            database_lock_timeout_seconds=0.2,
        )
    )
    try:

        async def slow() -> None:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT pg_sleep(2)"))

        assert unavailable_dependency(await _error_of(slow())) == "database"

        async with engine.connect() as holder:
            await holder.execute(text("SELECT pg_advisory_lock(4242)"))

            async def blocked() -> None:
                async with engine.connect() as connection:
                    await connection.execute(text("SELECT pg_advisory_lock(4242)"))

            # An advisory lock wait is a lock wait: lock_timeout cancels it.
            error = await _error_of(blocked())
            assert unavailable_dependency(error) == "database", repr(error)
            await holder.execute(text("SELECT pg_advisory_unlock(4242)"))
    finally:
        await engine.dispose()


async def test_an_exhausted_pool_is_the_database(database_url: str) -> None:
    engine = create_engine(
        _settings(
            database_url,
            database_pool_size=1,
            database_max_overflow=0,
            database_pool_timeout_seconds=0.2,
        )
    )
    try:
        async with engine.connect():
            error = await _error_of(engine.connect().__aenter__())
        assert isinstance(error, sqlalchemy.exc.TimeoutError)
        assert unavailable_dependency(error) == "database"
    finally:
        await engine.dispose()


async def test_a_missing_redis_is_redis() -> None:
    client = aioredis.from_url(f"redis://127.0.0.1:{free_port()}/0", socket_connect_timeout=1)
    try:
        assert unavailable_dependency(await _error_of(client.ping())) == "redis"
    finally:
        await client.aclose()


async def test_our_own_bugs_stay_errors(database_url: str) -> None:
    engine = create_engine(_settings(database_url))
    try:

        async def bad_sql() -> None:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT * FROM no_such_table"))

        assert unavailable_dependency(await _error_of(bad_sql())) is None
        assert unavailable_dependency(ValueError("ours")) is None
        assert unavailable_dependency(asyncio.CancelledError()) is None
    finally:
        await engine.dispose()
