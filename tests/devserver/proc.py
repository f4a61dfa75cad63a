"""What still runs, read from /proc: processes tied to a folder (their working folder, program
or command line is in it) and whether a pid is alive (a zombie is not)."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path


def alive(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    state = next(line for line in status.splitlines() if line.startswith("State:"))
    return "zombie" not in state and "(dead)" not in state


def processes_in(folder: Path) -> dict[int, str]:
    """pid -> command line of every live process whose cwd, executable or arguments are in
    ``folder``."""
    needle = str(folder.resolve())
    found: dict[int, str] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            places = [cmdline]
            for link in ("cwd", "exe"):
                with contextlib.suppress(OSError):
                    places.append(os.readlink(entry / link))
        except OSError:
            continue
        if any(needle in place for place in places) and alive(int(entry.name)):
            found[int(entry.name)] = cmdline.strip()
    return found


def wait_until_gone(pids: list[int], folder: Path, timeout: float = 60) -> dict[int, str]:
    """Wait for ``pids`` and every process in ``folder`` to end; what is left after
    ``timeout`` is returned (an empty dict when all are gone)."""
    deadline = time.monotonic() + timeout
    while True:
        left = {pid: "" for pid in pids if alive(pid)} | processes_in(folder)
        if not left or time.monotonic() > deadline:
            return left
        time.sleep(0.2)
