"""``python -m pickey_devserver dev -- COMMAND``, the launcher under ``just dev``: it starts
embedded servers when forced or when nothing answers, hands COMMAND their URLs, keeps the
machine's servers when they answer, refuses bad settings clearly, and leaves nothing running."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from pickey_devserver.probe import postgres_answers, redis_answers
from tests.devserver.proc import alive, wait_until_gone
from tests.support.infra import admin_database_url
from tests.support.processes import free_port

pytestmark = pytest.mark.timeout(300)

PRINT_URLS = (
    "import os; print('DB', os.environ['PICKEY_DATABASE_URL']); "
    "print('REDIS', os.environ['PICKEY_REDIS_URL'])"
)


def launcher_env(**overrides: str) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("PICKEY_", "DEV_"))
    }
    return env | overrides


def launch(
    cwd: Path, env: dict[str, str], *command: str, timeout: float = 180
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pickey_devserver", "dev", "--", *command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def started_pids(stderr: str) -> list[int]:
    return [int(pid) for pid in re.findall(r"\(embedded, pid (\d+)\)", stderr)]


def test_forced_on_starts_both_and_hands_their_urls_to_the_command(scratch: Path) -> None:
    pg_port, redis_port = free_port(), free_port()
    env = launcher_env(
        PICKEY_DEV_EMBEDDED="on",
        DEV_POSTGRES_PORT=str(pg_port),
        DEV_REDIS_PORT=str(redis_port),
        PICKEY_DATABASE_URL=admin_database_url(),  # answers, but embedded is forced
        PICKEY_REDIS_URL="redis://127.0.0.1:6379/4",
    )
    database = make_url(admin_database_url()).database
    result = launch(scratch, env, sys.executable, "-c", PRINT_URLS + "; raise SystemExit(3)")

    assert result.returncode == 3, result.stderr  # the command's own exit code
    assert f"DB postgresql+asyncpg://postgres@127.0.0.1:{pg_port}/{database}" in result.stdout
    assert f"REDIS redis://127.0.0.1:{redis_port}/4" in result.stdout
    assert f"listens on 127.0.0.1:{pg_port}" in result.stderr
    assert f"listens on 127.0.0.1:{redis_port}" in result.stderr
    pids = started_pids(result.stderr)
    assert len(pids) == 2
    assert not any(alive(pid) for pid in pids)
    assert (scratch / "var/postgres/PG_VERSION").read_text().strip() == "18"
    assert (scratch / "var/redis/appendonly.aof").exists()
    assert not (scratch / "var/.devservers.pid").exists()


def test_auto_keeps_the_servers_that_answer(scratch: Path, redis_url: str) -> None:
    env = launcher_env(PICKEY_DATABASE_URL=admin_database_url(), PICKEY_REDIS_URL=redis_url)
    result = launch(scratch, env, sys.executable, "-c", PRINT_URLS)

    assert result.returncode == 0, result.stderr
    assert f"DB {admin_database_url()}" in result.stdout
    assert f"REDIS {redis_url}" in result.stdout
    assert started_pids(result.stderr) == []
    assert not (scratch / "var/postgres").exists()


CHECK_ANSWERS = (
    "import os; from sqlalchemy.engine import make_url; "
    "from pickey_devserver.probe import postgres_answers, redis_answers; "
    "db = make_url(os.environ['PICKEY_DATABASE_URL']); "
    "rd = make_url(os.environ['PICKEY_REDIS_URL']); "
    "assert postgres_answers('127.0.0.1', db.port), db; "
    "assert redis_answers('127.0.0.1', rd.port), rd; print('both answer')"
)


def test_auto_starts_embedded_ones_where_the_configured_ones_do_not_answer(
    scratch: Path,
) -> None:
    """A newcomer's laptop: nothing listens on the configured ports, so the embedded servers
    take exactly those ports and the configured URLs work unchanged."""
    pg_port, redis_port = free_port(), free_port()
    configured_db = f"postgresql+asyncpg://postgres@127.0.0.1:{pg_port}/pickey"
    configured_redis = f"redis://127.0.0.1:{redis_port}/0"
    assert not postgres_answers("127.0.0.1", pg_port)
    assert not redis_answers("127.0.0.1", redis_port)
    env = launcher_env(PICKEY_DATABASE_URL=configured_db, PICKEY_REDIS_URL=configured_redis)
    result = launch(scratch, env, sys.executable, "-c", CHECK_ANSWERS + "; " + PRINT_URLS)

    assert result.returncode == 0, result.stderr
    assert "both answer" in result.stdout
    assert f"DB {configured_db}" in result.stdout
    assert f"REDIS {configured_redis}" in result.stdout
    assert len(started_pids(result.stderr)) == 2


def test_off_starts_nothing_even_when_nothing_answers(scratch: Path) -> None:
    configured_db = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/pickey"
    env = launcher_env(
        PICKEY_DEV_EMBEDDED="off",
        PICKEY_DATABASE_URL=configured_db,
        PICKEY_REDIS_URL=f"redis://127.0.0.1:{free_port()}/0",
    )
    result = launch(scratch, env, sys.executable, "-c", PRINT_URLS)

    assert result.returncode == 0, result.stderr
    assert f"DB {configured_db}" in result.stdout
    assert "does not answer (PICKEY_DEV_EMBEDDED=off)" in result.stderr
    assert started_pids(result.stderr) == []


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"PICKEY_DEV_EMBEDDED": "maybe"}, "PICKEY_DEV_EMBEDDED must be auto, on or off"),
        ({"PICKEY_DEV_EMBEDDED": "on", "PICKEY_ENVIRONMENT": "production"}, "for development"),
        ({"PICKEY_DEV_EMBEDDED": "on", "DEV_POSTGRES_PORT": "99999"}, "DEV_POSTGRES_PORT must"),
    ],
)
def test_bad_settings_are_refused_before_anything_runs(
    scratch: Path, settings: dict[str, str], message: str
) -> None:
    marker = scratch / "ran"
    result = launch(scratch, launcher_env(**settings), "touch", str(marker))

    assert result.returncode == 2
    assert message in result.stderr
    assert not marker.exists()
    assert started_pids(result.stderr) == []


def test_a_taken_port_is_named_and_what_started_is_stopped(scratch: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        env = launcher_env(
            PICKEY_DEV_EMBEDDED="on",
            DEV_POSTGRES_PORT=str(free_port()),
            DEV_REDIS_PORT=str(taken.getsockname()[1]),
        )
        result = launch(scratch, env, "true")

    assert result.returncode == 2
    assert "the port is in use; set DEV_REDIS_PORT to a free port" in result.stderr
    pids = started_pids(result.stderr)
    assert len(pids) == 1  # PostgreSQL had started; it was stopped again
    assert wait_until_gone(pids, scratch) == {}
    assert not (scratch / "var/postgres/postmaster.pid").exists()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_to_the_group_leaves_nothing_running(scratch: Path, sig: signal.Signals) -> None:
    """As Ctrl-C in a terminal (SIGINT to the foreground group) or a supervisor's SIGTERM."""
    env = launcher_env(
        PICKEY_DEV_EMBEDDED="on",
        DEV_POSTGRES_PORT=str(free_port()),
        DEV_REDIS_PORT=str(free_port()),
    )
    log = scratch / "launcher.log"
    command = "import time; print('command up', flush=True); time.sleep(600)"
    with log.open("w") as output:
        launcher = subprocess.Popen(
            [sys.executable, "-m", "pickey_devserver", "dev", "--", sys.executable, "-c", command],
            cwd=scratch,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while "command up" not in log.read_text() and time.monotonic() < deadline:
        assert launcher.poll() is None, log.read_text()
        time.sleep(0.1)
    pids = started_pids(log.read_text())
    assert len(pids) == 2, log.read_text()

    os.killpg(launcher.pid, sig)
    launcher.wait(timeout=90)

    assert wait_until_gone(pids, scratch) == {}, log.read_text()
    assert re.search(r"PostgreSQL \(pid \d+\) stopped", log.read_text())
    assert re.search(r"Redis \(pid \d+\) stopped", log.read_text())


def test_a_server_that_cannot_start_is_reported_with_its_log(scratch: Path) -> None:
    """Data left by another PostgreSQL major version (here: a folder claiming 16)."""
    data = scratch / "var" / "postgres"
    data.mkdir(parents=True)
    (data / "PG_VERSION").write_text("16\n")
    env = launcher_env(
        PICKEY_DEV_EMBEDDED="on",
        DEV_POSTGRES_PORT=str(free_port()),
        DEV_REDIS_PORT=str(free_port()),
    )
    marker = scratch / "ran"
    result = launch(scratch, env, "touch", str(marker))

    assert result.returncode == 1
    assert "exited with" in result.stderr
    assert "just reset" in result.stderr
    assert not marker.exists()
    assert wait_until_gone([], scratch) == {}


WORKER = """
import os, signal, sys, time
from pickey_devserver.probe import postgres_answers, redis_answers
from sqlalchemy.engine import make_url
stopping = []
for sig in (signal.SIGINT, signal.SIGTERM):
    signal.signal(sig, lambda *_: stopping.append(1))
print("worker up", flush=True)
while not stopping:
    time.sleep(0.1)
time.sleep(2)  # finishing its running jobs, which still write
db = make_url(os.environ["PICKEY_DATABASE_URL"])
rd = make_url(os.environ["PICKEY_REDIS_URL"])
answers = postgres_answers("127.0.0.1", db.port) and redis_answers("127.0.0.1", rd.port)
open(sys.argv[1], "w").write(f"servers answered while stopping: {answers}")
"""

SHELL = """
import subprocess, sys, time
subprocess.Popen([sys.executable, "-c", sys.argv[1], sys.argv[2]])
time.sleep(600)
"""


def test_the_servers_outlive_the_processes_of_the_command(scratch: Path) -> None:
    """Like ``just dev``'s shell, the command ends at once on Ctrl-C while its worker still
    finishes; the servers are stopped only after the worker is gone."""
    env = launcher_env(
        PICKEY_DEV_EMBEDDED="on",
        DEV_POSTGRES_PORT=str(free_port()),
        DEV_REDIS_PORT=str(free_port()),
    )
    log = scratch / "launcher.log"
    verdict = scratch / "verdict"
    with log.open("w") as output:
        launcher = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "pickey_devserver",
                "dev",
                "--",
                sys.executable,
                "-c",
                SHELL,
                WORKER,
                str(verdict),
            ],
            cwd=scratch,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 120
    while "worker up" not in log.read_text() and time.monotonic() < deadline:
        assert launcher.poll() is None, log.read_text()
        time.sleep(0.1)

    os.killpg(launcher.pid, signal.SIGINT)
    launcher.wait(timeout=90)

    assert verdict.read_text() == "servers answered while stopping: True", log.read_text()
    assert wait_until_gone(started_pids(log.read_text()), scratch) == {}
