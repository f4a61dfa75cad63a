"""What every ``just bench`` entry shares: a database and a Redis of its own, servers on free
ports, ``wrk`` runs, process CPU from ``/proc``, and the table of medians, ranges and ratios.

Ours and the baseline run alternately in the same run (ours, bare, ours, bare...), so a noisy
neighbour on the shared cores slows both sides, not one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import asyncpg
from alembic import command
from sqlalchemy.engine import make_url

from pickey_core.migrations import alembic_config

ADMIN_URL = os.environ.get(
    "PICKEY_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def _admin(sql: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


@contextlib.contextmanager
def bench_database(topic: str) -> Iterator[str]:
    """A fresh ``pickey_bench_<topic>_<pid>`` migrated to head; dropped afterwards."""
    name = f"pickey_bench_{topic}_{os.getpid()}"
    asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    asyncio.run(_admin(f'CREATE DATABASE "{name}"'))
    url = make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)
    try:
        command.upgrade(alembic_config(url), "head")
        yield url
    finally:
        asyncio.run(_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextlib.contextmanager
def bench_redis() -> Iterator[str]:
    """A redis-server of its own on a free port, without persistence (nothing to keep)."""
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="pickey-bench-redis-")
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            workdir,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)


def wait_for_port(port: int, timeout: float = 30.0) -> float:
    """Seconds until something accepts connections on ``port``."""
    started = time.perf_counter()
    while time.perf_counter() - started < timeout:
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return time.perf_counter() - started
        time.sleep(0.005)
    raise TimeoutError(f"nothing listens on port {port} after {timeout} s")


def service_env(database_url: str, redis_url: str, port: int) -> dict[str, str]:
    """The environment of one of our web servers in a benchmark: this process's, plus the
    bench's own database and Redis, the port, quiet logs and a throwaway session secret (any
    32+ characters; the caller's own ``PICKEY_SESSION_SECRET`` wins)."""
    return {
        **os.environ,
        "PICKEY_DATABASE_URL": database_url,
        "PICKEY_REDIS_URL": redis_url,
        "PICKEY_PORT": str(port),
        "PICKEY_LOG_LEVEL": "WARNING",
        "PICKEY_SESSION_SECRET": os.environ.get("PICKEY_SESSION_SECRET", "bench-" + "s" * 40),
    }


@contextlib.contextmanager
def server(argv: Sequence[str], port: int, env: dict[str, str]) -> Iterator[int]:
    """A server process (its pid yielded) that listens on ``port``; stopped afterwards."""
    log = tempfile.NamedTemporaryFile(prefix="pickey-bench-", suffix=".log", delete=False)  # noqa: SIM115
    process = subprocess.Popen(list(argv), env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        try:
            wait_for_port(port, 60)
        except TimeoutError:
            process.kill()
            with open(log.name) as written:
                sys.stderr.write(written.read()[-4000:])
            raise
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
        os.unlink(log.name)


def py_spy(pid: int, output: str, seconds: float) -> subprocess.Popen[bytes]:
    """``py-spy record`` of a process for ``seconds`` into ``output`` (collapsed stacks, the
    input of ``python -m tests.bench.profile``); py-spy is a tool, not a dependency:
    ``uv tool install py-spy``."""
    return subprocess.Popen(
        [
            "py-spy",
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(max(1, int(seconds))),
            "--format",
            "raw",
            "--output",
            output,
            "--rate",
            "200",
            "--nonblocking",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (``/proc/<pid>/stat``)."""
    with open(f"/proc/{pid}/stat") as stat:
        fields = stat.read().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / _TICKS


@dataclass(frozen=True)
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    cpu_ms_per_request: float
    failed: int


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0, "h": 3_600_000.0}


def _milliseconds(value: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", value)
    if match is None:
        sys.stderr.write(f"wrk printed a latency this cannot read: {value!r}\n")
        return float("nan")
    return float(match[1]) * _UNITS[match[2]]


def _percentile(out: str, percent: int) -> float:
    """A line of wrk's latency distribution (``    50%    2.10ms``), anchored at the start of
    a line: the thread-stats table above it ends in percentages too (``68.50%``); a value in
    seconds is padded with a trailing space (``1.02s ``)."""
    match = re.search(rf"^\s*{percent}%\s+(\S+)", out, re.MULTILINE)
    return _milliseconds(match[1]) if match else float("nan")


def wrk(
    url: str,
    pid: int,
    *,
    seconds: float,
    connections: int,
    headers: Sequence[str] = (),
) -> WrkResult:
    """One ``wrk`` run (2 threads; 1 for 1 connection) against ``url``; non-2xx answers and
    timeouts are counted (``failed``): an overloaded shared machine makes some, and the table
    shows them."""
    argv = [
        "wrk",
        f"-t{min(2, connections)}",
        f"-c{connections}",
        f"-d{seconds:g}s",
        "--latency",
        "--timeout",
        "5s",
    ]
    for header in headers:
        argv += ["-H", header]
    before = cpu_seconds(pid)
    out = subprocess.run([*argv, url], capture_output=True, text=True, check=True).stdout
    spent = cpu_seconds(pid) - before
    failed = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    failed += sum(int(n) for n in re.findall(r"timeout (\d+)", out))
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    return WrkResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),  # type: ignore[union-attr]
        p50_ms=_percentile(out, 50),
        p99_ms=_percentile(out, 99),
        cpu_ms_per_request=spent * 1000 / max(1, total),
        failed=failed,
    )


@dataclass
class Series:
    """Repeated measurements of one figure; printed as median and min-max."""

    values: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    def show(self, digits: int = 0) -> str:
        low, high = min(self.values), max(self.values)
        return f"{self.median:,.{digits}f} ({low:,.{digits}f}-{high:,.{digits}f})"


def print_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    widths = [max(len(str(row[i])) for row in [headers, *rows]) for i in range(len(headers))]
    line = " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    print(line)
    print("-|-".join("-" * w for w in widths))
    for row in rows:
        print(" | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))


def verdict(ok: bool) -> str:
    return "met" if ok else "NOT met"


@dataclass
class Figures:
    """The wrk figures of one path on one side (ours or the baseline) over rounds."""

    rps: Series = field(default_factory=Series)
    p50: Series = field(default_factory=Series)
    p99: Series = field(default_factory=Series)
    cpu: Series = field(default_factory=Series)
    failed: int = 0

    def add(self, result: WrkResult) -> None:
        self.rps.values.append(result.requests_per_second)
        self.p50.values.append(result.p50_ms)
        self.p99.values.append(result.p99_ms)
        self.cpu.values.append(result.cpu_ms_per_request)
        self.failed += result.failed


def print_versus_bare(goal: str, rows: Sequence[tuple[str, Figures, Figures, float, bool]]) -> None:
    """The table of wrk figures, ours against the bare endpoint, one row per path:
    ``(path, ours, bare, goal ratio, met)``."""
    print_table(
        ["path", "ours req/s", "bare req/s", "ours p50 ms", "ours p99 ms", "bare p99 ms",
         "ours CPU ms/req", "bare CPU ms/req", "ratio", "ours failed", f"goal {goal}", "verdict"],
        [
            [name, ours.rps.show(), bare.rps.show(), ours.p50.show(1), ours.p99.show(1),
             bare.p99.show(1), ours.cpu.show(2), bare.cpu.show(2),
             f"{ours.rps.median / bare.rps.median:.3f}", str(ours.failed), f">= {goal_ratio}",
             verdict(met)]
            for name, ours, bare, goal_ratio, met in rows
        ],
    )  # fmt: skip


@dataclass(frozen=True)
class Request:
    """One request wrk repeats: a path and the headers it sends (a session cookie)."""

    path: str
    headers: tuple[str, ...] = ()


def rounds_versus_bare(
    paths: dict[str, Request],
    answers: dict[str, Any],
    ours: tuple[int, int],
    env: dict[str, str],
    *,
    rounds: int,
    seconds: float,
    connections: int,
    profile: str | None,
) -> dict[tuple[str, str], Figures]:
    """Start :mod:`tests.bench.bare` answering ``answers`` (path -> JSON), then ``rounds`` times
    run every path on ours (``(port, pid)``) and on the bare server, alternately; with
    ``profile``, py-spy records ours during each path's first run into ``<profile>-<n>.txt``."""
    ours_port, ours_pid = ours
    bare_port = free_port()
    figures = {(name, side): Figures() for name in paths for side in ("ours", "bare")}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
        json.dump(answers, file)
    bare_argv = [sys.executable, "-m", "tests.bench.bare", str(bare_port), file.name]
    try:
        with server(bare_argv, bare_port, env) as bare_pid:
            for round_number in range(rounds):
                for index, (name, request) in enumerate(paths.items()):
                    for side, port, pid in (
                        ("ours", ours_port, ours_pid),
                        ("bare", bare_port, bare_pid),
                    ):
                        profiling = (
                            py_spy(ours_pid, f"{profile}-{index}.txt", seconds)
                            if profile and side == "ours" and round_number == 0
                            else None
                        )
                        result = wrk(
                            f"http://127.0.0.1:{port}{request.path}",
                            pid,
                            seconds=seconds,
                            connections=connections,
                            headers=request.headers,
                        )
                        figures[name, side].add(result)
                        if profiling is not None:
                            profiling.wait()
                print(f"round {round_number + 1}/{rounds} done", flush=True)
    finally:
        os.unlink(file.name)
    return figures
