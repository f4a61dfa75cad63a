"""A real ``redis-server`` on a TCP port, configured as production's queue Redis: append-only
file on (every write fsynced each second), ``noeviction`` (a full Redis refuses writes rather than
dropping queued jobs), no RDB snapshots."""

from __future__ import annotations

import signal
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from pickey_devserver import children

# Seconds to wait for the "ready" log line.
START_TIMEOUT = 60.0
STOP_TIMEOUT_SECONDS = 30.0
READY_LINE = "Ready to accept connections"


@dataclass
class EmbeddedRedis:
    """``data_dir`` holds the append-only file (kept between runs) and ``redis.log``."""

    binary: Path
    data_dir: Path
    port: int
    host: str = "127.0.0.1"
    process: subprocess.Popen[bytes] | None = field(default=None, init=False)

    @property
    def log_path(self) -> Path:
        return self.data_dir / "redis.log"

    def url(self, database: int = 0) -> str:
        return f"redis://{self.host}:{self.port}/{database}"

    def start(self) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_path.touch()
        offset = self.log_path.stat().st_size
        self.process = children.spawn(
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                self.host,
                "--dir",
                self.data_dir.resolve(),
                "--appendonly",
                "yes",
                "--appendfsync",
                "everysec",
                "--maxmemory-policy",
                "noeviction",
                "--save",
                "",
                "--daemonize",
                "no",
            ],
            log_path=self.log_path,
            run_as=None,  # redis-server runs as root without complaint
            on_parent_death=signal.SIGTERM,
        )
        try:
            children.wait_for_log(
                self.process, self.log_path, READY_LINE, offset=offset, timeout=START_TIMEOUT
            )
        except BaseException:  # not ready, or interrupted while waiting: do not leave it running
            self.stop()
            raise

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def stop(self) -> None:
        """SIGTERM: Redis flushes the append-only file and exits."""
        if self.process is not None:
            children.stop(self.process, signal.SIGTERM, timeout=STOP_TIMEOUT_SECONDS)
