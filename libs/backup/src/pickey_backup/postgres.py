"""``pg_dump`` and ``pg_restore``, run with the connection taken from PICKEY_DATABASE_URL.

The password travels in the child's environment (PGPASSWORD), never on its command line, where
any process on the node could read it.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path

from sqlalchemy.engine import make_url

# asyncpg's URL spells TLS as ?ssl=...; libpq wants PGSSLMODE.
_SSL_QUERY_KEYS = ("sslmode", "ssl")


class PostgresToolFailed(RuntimeError):
    """pg_dump or pg_restore exited with an error (its message is in ``str()``)."""


def libpq_environment(database_url: str) -> dict[str, str]:
    """PG* variables for the PostgreSQL client programs, from a SQLAlchemy URL."""
    url = make_url(database_url)
    environment = {
        "PGHOST": url.host or "127.0.0.1",
        "PGPORT": str(url.port or 5432),
        "PGDATABASE": url.database or "postgres",
    }
    if url.username:
        environment["PGUSER"] = url.username
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    for key in _SSL_QUERY_KEYS:
        value = url.query.get(key)
        if isinstance(value, str) and value:
            environment["PGSSLMODE"] = "require" if value == "true" else value
    return environment


def database_name(database_url: str) -> str:
    return make_url(database_url).database or "postgres"


def _program(bin_dir: str, name: str) -> str:
    return str(Path(bin_dir) / name) if bin_dir else name


async def _run(arguments: list[str], database_url: str) -> None:
    environment = {**os.environ, **libpq_environment(database_url)}
    process = await asyncio.create_subprocess_exec(
        *arguments,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await process.communicate()
    if process.returncode != 0:
        message = stderr.decode(errors="replace").strip().splitlines()
        raise PostgresToolFailed(
            f"{Path(arguments[0]).name} exited with {process.returncode}: "
            + (message[-1] if message else "no message")
        )


async def dump(database_url: str, destination: Path, *, bin_dir: str = "") -> None:
    """The whole database in pg_dump's custom format (compressed, restorable table by table)."""
    await _run(
        [_program(bin_dir, "pg_dump"), "--format=custom", "--compress=6", f"--file={destination}"],
        database_url,
    )


async def restore(database_url: str, source: Path, *, bin_dir: str = "") -> None:
    """Restore a custom-format dump into an empty database, all or nothing.

    Ownership and grants are not restored: the target cluster's roles are not the source's
    (a managed database's administrator differs from one cluster to the next).
    """
    await _run(
        [
            _program(bin_dir, "pg_restore"),
            "--no-owner",
            "--no-acl",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={libpq_environment(database_url)['PGDATABASE']}",
            str(source),
        ],
        database_url,
    )
