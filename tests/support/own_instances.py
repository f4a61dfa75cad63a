"""A PostgreSQL and a Redis of a test's own, on free ports, that the test may stop, kill, freeze
and restart (the shared instances on 5432/6379 are never touched). Removed afterwards."""

from __future__ import annotations

import asyncio
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import Any

import asyncpg
from alembic import command

from pickey_core.migrations import alembic_config
from tests.support.processes import free_port


def _wait_port(port: int, process: subprocess.Popen[bytes], log: Path, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"exited with {process.returncode}:\n{log.read_text()}")
        with socket.socket() as sock:
            if sock.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise TimeoutError(f"nothing listens on {port}:\n{log.read_text()}")


class _Process:
    """A server process in its own session, so freezing it freezes its children too."""

    def __init__(self, folder: Path, port: int) -> None:
        self.folder = folder
        self.port = port
        self.process: subprocess.Popen[bytes] | None = None
        self.log = folder / "server.log"

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _user(self) -> dict[str, Any]:
        return {}

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self._command(),
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=self.folder,
                start_new_session=True,
                **self._user(),
            )
        _wait_port(self.port, self.process, self.log)
        self._wait_ready()

    def _wait_ready(self) -> None:
        return None

    def stop(self, sig: signal.Signals = signal.SIGTERM) -> None:
        """Stop (SIGTERM: cleanly; SIGKILL: a crash) and wait until it is gone."""
        if self.process is None or self.process.poll() is not None:
            return
        family = self._family()
        for pid in family:
            os.kill(pid, signal.SIGCONT)
        if sig == signal.SIGKILL:
            for pid in family:  # a crash takes the children too (no orphan keeps a socket)
                os.kill(pid, signal.SIGKILL)
        else:
            os.kill(self.process.pid, sig)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def _family(self) -> list[int]:
        """The server and its children (PostgreSQL's backends leave the server's process group,
        so signalling the group would freeze the postmaster only)."""
        assert self.process is not None
        family = [self.process.pid]
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                family.append(int(stat.parent.name))
        return family

    def freeze(self) -> None:
        """SIGSTOP the server and every child: connections stay open and nothing answers."""
        for pid in self._family():
            os.kill(pid, signal.SIGSTOP)

    def thaw(self) -> None:
        for pid in self._family():
            os.kill(pid, signal.SIGCONT)


class OwnRedis(_Process):
    """redis-server with AOF (``appendfsync always``) like production's queue Redis."""

    def __init__(self, folder: Path, *, aof: bool = True) -> None:
        super().__init__(folder, free_port())
        self.aof = aof

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def _command(self) -> list[str]:
        binary = shutil.which("redis-server")
        assert binary is not None, "redis-server is not installed"
        return [
            binary,
            "--port",
            str(self.port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "yes" if self.aof else "no",
            "--appendfsync",
            "always",
            "--maxmemory-policy",
            "noeviction",
            "--dir",
            str(self.folder),
        ]

    def lose_data(self) -> None:
        """A restart that comes back empty (the AOF volume was lost)."""
        self.stop(signal.SIGKILL)
        for leftover in self.folder.iterdir():
            if leftover != self.log:
                shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
        self.start()


@contextmanager
def own_redis(*, aof: bool = True) -> Iterator[OwnRedis]:
    folder = Path(tempfile.mkdtemp(prefix="pickey-faults-redis-"))
    server = OwnRedis(folder, aof=aof)
    server.start()
    try:
        yield server
    finally:
        server.stop(signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)


def _postgres_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    binary = shutil.which(name)
    assert binary is not None, f"{name} (PostgreSQL server) is not installed"
    return binary


class OwnPostgres(_Process):
    """A throw-away cluster (initdb into a temporary folder, trust auth, no fsync)."""

    def __init__(self, folder: Path) -> None:
        super().__init__(folder, free_port())
        self.data = folder / "data"
        # initdb and postgres refuse to run as root: run them as the postgres user then.
        self._as = {"user": "postgres", "group": "postgres"} if os.geteuid() == 0 else {}
        if self._as:
            shutil.chown(folder, "postgres", "postgres")
        subprocess.run(
            [_postgres_bin("initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust"],
            check=True,
            capture_output=True,
            **self._as,  # type: ignore[call-overload]
        )

    def _user(self) -> dict[str, Any]:
        return dict(self._as)

    def _command(self) -> list[str]:
        return [
            _postgres_bin("postgres"),
            "-D",
            str(self.data),
            "-p",
            str(self.port),
            "-k",
            str(self.folder),
            "-c",
            "listen_addresses=127.0.0.1",
            "-c",
            "fsync=off",
            "-c",
            "full_page_writes=off",
            "-c",
            "max_connections=100",
        ]

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + 30
        while "ready to accept connections" not in self.log.read_text(errors="replace"):
            assert time.monotonic() < deadline, self.log.read_text()
            time.sleep(0.05)

    def url(self, database: str = "pickey") -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"


@asynccontextmanager
async def own_postgres(database: str = "pickey") -> AsyncIterator[OwnPostgres]:
    """Started, with ``database`` created and migrated to head; removed when the block ends."""
    folder = Path(tempfile.mkdtemp(prefix="pickey-faults-pg-"))
    server = await asyncio.to_thread(OwnPostgres, folder)
    await asyncio.to_thread(server.start)
    try:
        connection = await asyncpg.connect(
            host="127.0.0.1", port=server.port, user="postgres", database="postgres"
        )
        try:
            await connection.execute(f'CREATE DATABASE "{database}"')
        finally:
            await connection.close()
        await asyncio.to_thread(command.upgrade, alembic_config(server.url(database)), "head")
        yield server
    finally:
        server.stop(signal.SIGKILL)
        shutil.rmtree(folder, ignore_errors=True)
