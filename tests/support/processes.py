"""Start real processes (uvicorn servers, arq workers, the S3 server) for tests, and stop them."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class RunningProcess:
    process: subprocess.Popen[bytes]
    log_path: Path

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def signal(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)

    def wait(self, timeout: float) -> int:
        return self.process.wait(timeout=timeout)

    def stop(self, timeout: float = 15) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return self.process.returncode


def python_command(module: str, *args: str) -> list[str]:
    return [sys.executable, "-m", module, *args]


@dataclass
class Service:
    """A process to start: its command, and how to tell it is ready."""

    name: str
    command: list[str]
    ready_url: str | None = None
    ready_log_line: str | None = None
    env: Mapping[str, str] | None = None


@contextmanager
def running_all(
    services: list[Service], *, env: Mapping[str, str], log_dir: Path, timeout: float = 60
) -> Iterator[dict[str, RunningProcess]]:
    """Start every service at once (their imports take seconds each), wait until all are ready,
    and stop them all when the block ends."""
    started: dict[str, RunningProcess] = {}
    try:
        for service in services:
            log_path = log_dir / f"{service.name}.log"
            with log_path.open("wb") as log_file:
                process = subprocess.Popen(
                    service.command,
                    env={**os.environ, **env, **(service.env or {})},
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    cwd=log_dir,  # not the repository: a developer's .env must not apply
                )
            started[service.name] = RunningProcess(process, log_path)
        for service in services:
            _wait_ready(started[service.name], service.ready_url, service.ready_log_line, timeout)
        yield started
    finally:
        for proc in started.values():
            if proc.process.poll() is None:
                proc.process.send_signal(signal.SIGTERM)
        for proc in started.values():
            proc.stop()


@contextmanager
def running(
    command: list[str],
    *,
    env: Mapping[str, str],
    log_path: Path,
    ready_url: str | None = None,
    ready_log_line: str | None = None,
    timeout: float = 30,
) -> Iterator[RunningProcess]:
    """Run ``command`` until the block ends; wait until ``ready_url`` answers 2xx or the log shows
    ``ready_log_line``. Output goes to ``log_path`` (shown when start-up fails)."""
    full_env = {**os.environ, **env}
    with log_path.open("wb") as log_file:
        process = subprocess.Popen(
            command, env=full_env, stdout=log_file, stderr=subprocess.STDOUT, cwd=log_path.parent
        )
    running_process = RunningProcess(process, log_path)
    try:
        _wait_ready(running_process, ready_url, ready_log_line, timeout)
        yield running_process
    finally:
        running_process.stop()


def _wait_ready(
    proc: RunningProcess, ready_url: str | None, ready_log_line: str | None, timeout: float
) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.process.poll() is not None:
            raise RuntimeError(f"process exited with {proc.process.returncode}:\n{proc.log()}")
        if ready_url is not None:
            try:
                if httpx.get(ready_url, timeout=1).is_success:
                    return
            except httpx.HTTPError:
                pass
        elif ready_log_line is None or ready_log_line in proc.log():
            return
        time.sleep(0.1)
    proc.stop()
    raise TimeoutError(f"process not ready after {timeout}s:\n{proc.log()}")


def web(name: str) -> tuple[Service, str]:
    """The service's HTTP server on a free port, and its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    service = Service(
        name=f"{name}-web",
        command=python_command(f"pickey_{name}", "serve"),
        ready_url=f"{base_url}/livez",
        env={"PICKEY_PORT": str(port)},
    )
    return service, base_url


def worker(name: str, **env: str) -> Service:
    """The service's arq worker, ready when it logs that it started."""
    return Service(
        name=f"{name}-worker",
        command=python_command(f"pickey_{name}", "worker"),
        ready_log_line="worker started",
        env=env,
    )
