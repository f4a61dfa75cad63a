"""``python -m pickey_devserver reset [--yes]``: delete ``var/`` (the embedded databases, Redis's
append-only file, local uploads) after asking. Without a terminal to ask on it refuses unless
``--yes`` is given, and it refuses while ``just dev`` runs (its servers would keep deleted files
open and write a half-state back)."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from pickey_devserver.launcher import LAUNCHER_PID_FILE


def _running_launcher(var_dir: Path) -> int | None:
    try:
        pid = int((var_dir / LAUNCHER_PID_FILE).read_text().split()[0])
    except (FileNotFoundError, ValueError, IndexError):
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid
    return pid


def reset(var_dir: Path, *, yes: bool) -> int:
    if not var_dir.exists():
        print(f"{var_dir} does not exist; nothing to delete")
        return 0
    pid = _running_launcher(var_dir)
    if pid is not None:
        print(f"`just dev` is running (pid {pid}); stop it first", file=sys.stderr)
        return 1
    if not yes:
        if not sys.stdin.isatty():
            print(f"refusing to delete {var_dir} without asking; pass --yes", file=sys.stderr)
            return 2
        answer = input(
            f"Delete {var_dir.resolve()} (embedded PostgreSQL and Redis data, uploads)? [y/N] "
        )
        if answer.strip().lower() not in ("y", "yes"):
            print("nothing deleted")
            return 1
    shutil.rmtree(var_dir)
    print(f"deleted {var_dir}")
    return 0
