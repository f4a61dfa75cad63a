"""Start a server as our child so that it cannot outlive us, and stop it.

Each server runs in a session of its own: a Ctrl-C in the terminal reaches the services of
``just dev`` (which may still write while they stop) but not the database under them; the
launcher stops the servers itself once the services are gone. On Linux the kernel also sends the
server a stop signal if the launcher dies without cleaning up (``PR_SET_PDEATHSIG``), so even a
SIGKILL of the launcher leaves no server behind.
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from pickey_devserver.accounts import RunAs

_PR_SET_PDEATHSIG = 1


def _stop_with_parent(sig: signal.Signals) -> Callable[[], None] | None:
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)

    def arrange() -> None:  # runs in the child after the user switch, before exec
        libc.prctl(_PR_SET_PDEATHSIG, int(sig), 0, 0, 0)

    return arrange


def spawn(
    command: Sequence[str | Path],
    *,
    log_path: Path,
    run_as: RunAs | None,
    on_parent_death: signal.Signals,
    env: Mapping[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start ``command`` with stdout and stderr appended to ``log_path``."""
    with log_path.open("ab") as log_file:
        return subprocess.Popen(  # noqa: S603 - our own server binaries, no shell
            [str(part) for part in command],
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_stop_with_parent(on_parent_death),  # before any thread starts
            user=run_as.uid if run_as else None,
            group=run_as.gid if run_as else None,
            extra_groups=[] if run_as else None,
            env=dict(env) if env is not None else {"PATH": os.environ.get("PATH", "")},
        )


def wait_for_log(
    process: subprocess.Popen[bytes], log_path: Path, line: str, *, offset: int, timeout: float
) -> None:
    """Wait until ``line`` appears in the log after ``offset``; a process that exits first or
    a timeout raises with the log's tail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with log_path.open("rb") as log:
            log.seek(offset)
            if line.encode() in log.read():
                return
        if process.poll() is not None:
            raise ServerFailed(f"exited with {process.returncode}", log_path, offset)
        time.sleep(0.1)
    raise ServerFailed(f"not ready after {timeout:.0f}s", log_path, offset)


def stop(process: subprocess.Popen[bytes], sig: signal.Signals, *, timeout: float) -> None:
    """Send ``sig``; kill the process if it has not exited within ``timeout``."""
    if process.poll() is None:
        process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ServerFailed(RuntimeError):
    def __init__(self, reason: str, log_path: Path, offset: int) -> None:
        with log_path.open("rb") as log:
            log.seek(offset)
            tail = log.read().decode(errors="replace")[-3000:]
        super().__init__(f"{reason}; its log ({log_path}):\n{tail}")
