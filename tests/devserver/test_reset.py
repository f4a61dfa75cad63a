"""``just reset`` (``python -m pickey_devserver reset``) deletes ``var/`` only after a yes on a
terminal or ``--yes``, and never while ``just dev`` runs."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(120)


def make_var(root: Path) -> Path:
    var = root / "var"
    (var / "postgres").mkdir(parents=True)
    (var / "postgres" / "PG_VERSION").write_text("18\n")
    (var / "storage").mkdir()
    return var


def reset(
    root: Path, *flags: str, stdin: int | None = subprocess.DEVNULL
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pickey_devserver", "reset", *flags],
        cwd=root,
        stdin=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_without_a_terminal_it_refuses_unless_yes(tmp_path: Path) -> None:
    var = make_var(tmp_path)
    refused = reset(tmp_path)
    assert refused.returncode == 2
    assert "pass --yes" in refused.stderr
    assert (var / "postgres" / "PG_VERSION").exists()

    done = reset(tmp_path, "--yes")
    assert done.returncode == 0, done.stderr
    assert not var.exists()


@pytest.mark.parametrize(
    ("answer", "deleted"), [("y", True), ("yes", True), ("n", False), ("", False)]
)
def test_on_a_terminal_it_asks(tmp_path: Path, answer: str, deleted: bool) -> None:
    var = make_var(tmp_path)
    controller, terminal = pty.openpty()
    try:
        os.write(controller, f"{answer}\n".encode())
        result = reset(tmp_path, stdin=terminal)
    finally:
        os.close(terminal)
        os.close(controller)
    assert result.returncode == (0 if deleted else 1), result.stderr
    assert var.exists() is not deleted


def test_it_refuses_while_just_dev_runs(tmp_path: Path) -> None:
    var = make_var(tmp_path)
    (var / ".devservers.pid").write_text(f"{os.getpid()}\n")  # a live launcher
    result = reset(tmp_path, "--yes")
    assert result.returncode == 1
    assert "stop it first" in result.stderr
    assert var.exists()


def test_a_stale_launcher_pid_does_not_block(tmp_path: Path) -> None:
    var = make_var(tmp_path)
    (var / ".devservers.pid").write_text("999999999\n")  # above any pid_max: no such process
    assert reset(tmp_path, "--yes").returncode == 0
    assert not var.exists()


def test_nothing_to_delete(tmp_path: Path) -> None:
    result = reset(tmp_path)
    assert result.returncode == 0
    assert "nothing to delete" in result.stdout
