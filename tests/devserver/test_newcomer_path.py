"""The newcomer path, end to end: a fresh clone in a scratch folder, embedded servers forced on,
``uv run just dev`` (the README's command, uv already installed) brings every process to ready,
a sign-up over HTTP gets its welcome email in the sandbox, Ctrl-C (SIGINT to the process group)
leaves no process behind, and a second ``just dev`` finds the data again.

Slow (a new virtual environment, two start-ups of the whole platform): marked ``newcomer``, left
out of ``just test`` and run by ``just test-newcomer`` (and CI)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from pickey_devserver.probe import port_is_free
from tests.devserver.proc import processes_in, wait_until_gone
from tests.support.processes import free_port

pytestmark = [pytest.mark.newcomer, pytest.mark.timeout(1800)]

ROOT = Path(__file__).resolve().parents[2]
EMAIL = "novacek@example.cz"
WELCOME_SUBJECT = "Vítejte na Pickey"
WORKERS = ("api", "payments", "media", "notifications")


def free_port_block(size: int) -> int:
    """The first of ``size`` consecutive free ports (DEV_METRICS_PORT_BASE + 0..3)."""
    while True:
        first = free_port()
        if first + size < 65536 and all(port_is_free("127.0.0.1", first + i) for i in range(size)):
            return first


@dataclass
class Stack:
    env: dict[str, str]

    @property
    def api(self) -> str:
        return f"http://127.0.0.1:{self.env['DEV_API_PORT']}"

    @property
    def sandbox(self) -> str:
        return f"http://127.0.0.1:{self.env['DEV_SANDBOX_PORT']}"


def newcomer_env(clone: Path) -> Stack:
    """The machine's environment without our settings or our virtual environment, with every
    port free and the embedded servers forced on."""
    venv_bin = str(ROOT / ".venv" / "bin")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PICKEY_", "DEV_", "PYTEST_", "UV_PROJECT"))
        and key not in ("VIRTUAL_ENV", "PYTHONPATH")
    }
    env["PATH"] = os.pathsep.join(p for p in env["PATH"].split(os.pathsep) if p != venv_bin)
    env |= {
        "PICKEY_DEV_EMBEDDED": "on",
        "DEV_READY_TIMEOUT_SECONDS": "600",  # 2 shared cores: a start-up may take minutes
        "DEV_SANDBOX_PORT": str(free_port()),
        "DEV_API_PORT": str(free_port()),
        "DEV_PAYMENTS_PORT": str(free_port()),
        "DEV_MEDIA_PORT": str(free_port()),
        "DEV_NOTIFICATIONS_PORT": str(free_port()),
        "DEV_METRICS_PORT_BASE": str(free_port_block(4)),
        "DEV_POSTGRES_PORT": str(free_port()),
        "DEV_REDIS_PORT": str(free_port()),
    }
    return Stack(env)


@dataclass
class DevRun:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def server_pids(self) -> list[int]:
        return [int(pid) for pid in re.findall(r"\(embedded, pid (\d+)\)", self.log())]


def start_dev(clone: Path, stack: Stack, log_path: Path) -> DevRun:
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            ["uv", "run", "just", "dev"],
            cwd=clone,
            env=stack.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives it
        )
    return DevRun(process, log_path)


def wait_until_ready(run: DevRun, timeout: float = 900) -> None:
    """Every service devcheck lists is ready, and every worker has started."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        log = run.log()
        if "Some services did not come up" in log or run.process.poll() is not None:
            raise AssertionError(f"just dev did not come up:\n{log[-6000:]}")
        if "Pickey is running:" in log and all(
            re.search(rf"worker started.*service={name}", log) for name in WORKERS
        ):
            listed = re.findall(r"^\s+(\S+)\s+http://\S+\s+(ready|not ready)$", log, re.MULTILINE)
            assert {name for name, _ in listed} >= {"sandbox", *WORKERS}, log[-4000:]
            assert all(state == "ready" for _, state in listed), listed
            return
        time.sleep(1)
    raise AssertionError(f"just dev not ready after {timeout:.0f}s:\n{run.log()[-6000:]}")


def interrupt(run: DevRun, clone: Path) -> None:
    """Ctrl-C: SIGINT to the whole group; then nothing of the run may be left."""
    pids = run.server_pids()
    assert len(pids) == 2, run.log()[-4000:]  # PostgreSQL and Redis, both embedded
    started = processes_in(clone)
    assert len(started) > 10, started  # just, launcher, servers, 5 web processes, 4 workers
    os.killpg(run.process.pid, signal.SIGINT)
    run.process.wait(timeout=240)
    left = wait_until_gone([*pids, *started], clone, timeout=60)
    assert left == {}, f"still running after Ctrl-C: {left}\n{run.log()[-4000:]}"


def wait_for_welcome(stack: Stack, timeout: float = 180) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        response = httpx.get(
            f"{stack.sandbox}/sandbox/mailgun/messages", params={"to": EMAIL}, timeout=10
        )
        response.raise_for_status()
        for message in response.json():
            if str(message.get("subject", "")).startswith(WELCOME_SUBJECT):
                return dict(message)
        time.sleep(1)
    raise AssertionError(f"no welcome email to {EMAIL} in {timeout:.0f}s")


def sign_up(stack: Stack) -> httpx.Response:
    return httpx.post(
        f"{stack.api}/api/v1/accounts",
        json={"email": EMAIL, "password": "na-vecna-loviste", "display_name": "Nováček"},
        timeout=60,
    )


def test_a_fresh_clone_runs_the_platform_on_embedded_servers(tmp_path: Path, scratch: Path) -> None:
    clone = scratch / "pickey"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(clone)], check=True, timeout=120)
    assert not (clone / ".venv").exists()
    assert not (clone / "var").exists()
    stack = newcomer_env(clone)

    first = start_dev(clone, stack, tmp_path / "first.log")
    try:
        wait_until_ready(first)
        assert re.search(r"PostgreSQL 18 \(embedded, pid \d+\)", first.log())
        created = sign_up(stack)
        assert created.status_code == 201, created.text
        welcome = wait_for_welcome(stack)
        assert EMAIL in str(welcome["to"])
    finally:
        if first.process.poll() is None:
            interrupt(first, clone)
    assert (clone / "var/postgres/PG_VERSION").read_text().strip() == "18"

    second = start_dev(clone, stack, tmp_path / "second.log")
    try:
        wait_until_ready(second)
        again = sign_up(stack)  # the account from the first run is still there
        assert again.status_code == 409, again.text
        assert again.json()["error"]["code"]
    finally:
        if second.process.poll() is None:
            interrupt(second, clone)
