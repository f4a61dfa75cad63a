"""``just bench queue``: goal P3 of issue 14 — the queue against arq's defaults, in a database
(``pickey_bench_queue_<pid>``) and a redis-server of their own. Two halves, ``--rounds`` times,
ours and the baseline alternately:

**Drain.** A worker process (``tests.bench.queue_worker``) consumes jobs that do nothing:

* **ours**: the worker every service runs (:func:`pickey_core.queue.worker.worker_options`, its
  settings' defaults, JSON logs), jobs written through the outbox;
* **arq defaults**: a plain arq ``Worker`` with arq's defaults (but JSON, as ours: pickle is
  banned here), jobs pushed by ``enqueue_job`` or, for the drain, arq's own job format in one
  pipeline (:mod:`pickey_core.queue.batch_push`).

Per round and worker: ``--trickle`` jobs enqueued one at a time, ``--trickle-gap-ms`` apart, to
an idle worker (enqueue->start p50, from the times arq stores with each result), then
``--jobs`` jobs pushed at once (jobs/s from the first enqueue to the last finish, and the
worker's CPU per job from ``/proc``).

**Enqueue.** Jobs per second through the outbox (``outbox.enqueue`` in a unit of work, pushed
and stamped after its commit) against arq's raw ``enqueue_job``, one job at a time:
1 job per transaction (a request) and ``--batch`` per transaction (a fan-out, a sweep).

Printed: tables of medians (min-max) and ratios, then one ``goal P3 ...`` line per goal. The
per-job CPU goal (<= 1 ms) is held to our worker's whole CPU per no-op job (arq's own share
included); the outbox goal to both enqueue shapes.

Run: ``python -m tests.bench.queue [--jobs N] [--trickle N] [--batch N] [--rounds N]
[--profile FILE]`` (``--profile``: py-spy our worker during the drains, collapsed stacks).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import Any

from arq.connections import ArqRedis
from arq.constants import result_key_prefix

from pickey_core.queue import outbox
from pickey_core.queue.batch_push import JobToPush, push_jobs
from pickey_core.queue.connection import deserialize_job
from pickey_core.queue.contracts import SendWelcome
from pickey_core.resources import Resources
from pickey_core.settings import PickeySettings
from tests.bench import harness
from tests.bench.queue_worker import ARQ_QUEUE

OUTBOX_GOAL = 0.5
DRAIN_GOAL = 5.0
START_P50_GOAL_MS = 20.0
CPU_GOAL_MS = 1.0
WORKERS = ("ours", "arq defaults")


@dataclass
class Drain:
    jobs_per_second: harness.Series
    start_p50_ms: harness.Series
    cpu_ms_per_job: harness.Series


# ---------------------------------------------------------------- enqueue half


async def raw(resources: Resources, jobs: int) -> float:
    started = time.perf_counter()
    for _ in range(jobs):
        payload = SendWelcome(user_id=uuid.uuid4())
        await resources.redis.enqueue_job(
            payload.job_name,
            payload.model_dump(mode="json"),
            _job_id=str(uuid.uuid4()),
            _queue_name="bench:raw",
        )
    return jobs / (time.perf_counter() - started)


async def through_outbox(resources: Resources, jobs: int, per_transaction: int) -> float:
    started = time.perf_counter()
    for _ in range(0, jobs, per_transaction):
        async with resources.unit_of_work() as session:
            for _ in range(per_transaction):
                outbox.enqueue(session, SendWelcome(user_id=uuid.uuid4()))
    return jobs / (time.perf_counter() - started)


async def measure_enqueue(
    resources: Resources, args: argparse.Namespace
) -> dict[str, harness.Series]:
    shapes: dict[str, Callable[[], Awaitable[float]]] = {
        "raw enqueue_job": lambda: raw(resources, args.jobs),
        "outbox, 1 per transaction": lambda: through_outbox(resources, args.jobs, 1),
        f"outbox, {args.batch} per transaction": lambda: through_outbox(
            resources, args.jobs, args.batch
        ),
    }
    figures = {name: harness.Series() for name in shapes}
    for _ in range(args.rounds):
        for name, run in shapes.items():
            await resources.redis.flushdb()
            figures[name].values.append(await run())
    return figures


# ---------------------------------------------------------------- drain half


@contextlib.contextmanager
def worker_process(kind: str, env: dict[str, str], folder: str) -> Iterator[int]:
    """The worker process (its pid yielded) once its start-up is logged; SIGTERM afterwards."""
    ready = {"ours": "worker started", "arq": "Starting worker"}[kind]
    log = os.path.join(folder, f"worker-{kind}.log")
    with open(log, "wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.bench.queue_worker", kind],
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while ready not in open(log, errors="replace").read():  # noqa: SIM115
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"worker {kind} did not start:\n{open(log).read()[-3000:]}")  # noqa: SIM115
            time.sleep(0.05)
        yield process.pid
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


class Producer:
    """Enqueues the bench's jobs for one worker: through the outbox for ours, as arq's
    ``enqueue_job`` would (to the baseline's queue) for arq's."""

    def __init__(self, kind: str, resources: Resources, arq_redis: ArqRedis) -> None:
        self.kind = kind
        self.resources = resources
        self.arq_redis = arq_redis

    async def one(self) -> str:
        payload = SendWelcome(user_id=uuid.uuid4())
        if self.kind == "ours":
            async with self.resources.unit_of_work() as session:
                return str(outbox.enqueue(session, payload))
        job = await self.arq_redis.enqueue_job(
            payload.job_name, payload.model_dump(mode="json"), _queue_name=ARQ_QUEUE
        )
        assert job is not None
        return job.job_id

    async def many(self, count: int) -> list[str]:
        """``count`` jobs reaching Redis together (one push)."""
        payloads = [SendWelcome(user_id=uuid.uuid4()) for _ in range(count)]
        if self.kind == "ours":
            async with self.resources.unit_of_work() as session:
                return [str(outbox.enqueue(session, payload)) for payload in payloads]
        jobs = [
            JobToPush(uuid.uuid4().hex, p.job_name, p.model_dump(mode="json"), ARQ_QUEUE)
            for p in payloads
        ]
        await push_jobs(self.arq_redis, jobs)
        return [job.job_id for job in jobs]

    async def results(self, job_ids: list[str], timeout: float = 120) -> list[dict[str, Any]]:
        """Each job's stored result (enqueue ``et``, start ``st``, finish ``ft``, in ms), once
        every job has one."""
        keys = [result_key_prefix + job_id for job_id in job_ids]
        chunks = [keys[i : i + 1000] for i in range(0, len(keys), 1000)]
        redis = self.arq_redis
        deadline = time.monotonic() + timeout
        while sum([await redis.exists(*chunk) for chunk in chunks]) < len(keys):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.kind}: jobs not finished after {timeout} s")
            await asyncio.sleep(0.02)
        stored = [value for chunk in chunks for value in await redis.mget(chunk)]
        return [deserialize_job(value) for value in stored]


async def drain_round(
    kind: str, settings: PickeySettings, pid: int, args: argparse.Namespace
) -> tuple[float, float, float]:
    """(jobs/s draining ``--jobs``, enqueue->start p50 ms of a trickle, worker CPU ms per job)."""
    resources = await Resources.open(settings)
    producer = Producer(kind, resources, resources.redis)
    try:
        trickle = []
        for _ in range(args.trickle):
            trickle.append(await producer.one())
            await asyncio.sleep(args.trickle_gap_ms / 1000)
        waits = [r["st"] - r["et"] for r in await producer.results(trickle)]
        cpu_before = harness.cpu_seconds(pid)
        batch = await producer.many(args.jobs)
        drained = await producer.results(batch)
        cpu = harness.cpu_seconds(pid) - cpu_before
    finally:
        await resources.close()
    seconds = (max(r["ft"] for r in drained) - min(r["et"] for r in drained)) / 1000
    return args.jobs / seconds, float(statistics.median(waits)), cpu * 1000 / args.jobs


def measure_drain(url: str, redis_url: str, args: argparse.Namespace) -> dict[str, Drain]:
    env = {
        "PICKEY_ENVIRONMENT": "development",
        "PICKEY_DATABASE_URL": url,
        "PICKEY_REDIS_URL": redis_url,
        "PICKEY_WORKER__METRICS_PORT": "0",
        "PICKEY_LOG_JSON": "true",
        "PICKEY_LOG_LEVEL": "INFO",
    }
    settings = PickeySettings(
        _env_file=None, environment="development", database_url=url, redis_url=redis_url
    )
    figures = {
        name: Drain(harness.Series(), harness.Series(), harness.Series()) for name in WORKERS
    }
    with tempfile.TemporaryDirectory(prefix="pickey-bench-queue-") as folder:
        for round_ in range(args.rounds):
            for name in WORKERS:
                kind = "ours" if name == "ours" else "arq"
                with worker_process(kind, env, folder) as pid:
                    profiler = None
                    if args.profile and kind == "ours" and round_ == 0:
                        profiler = harness.py_spy(pid, args.profile, args.profile_seconds)
                    rate, p50, cpu = asyncio.run(drain_round(kind, settings, pid, args))
                    if profiler is not None:
                        profiler.wait()
                figures[name].jobs_per_second.values.append(rate)
                figures[name].start_p50_ms.values.append(p50)
                figures[name].cpu_ms_per_job.values.append(cpu)
    return figures


# ---------------------------------------------------------------- report


def goal_line(goal: str, met: bool, detail: str) -> str:
    return f"goal P3 {goal}: {'met' if met else 'NOT met'} — {detail}"


async def enqueue_half(
    url: str, redis_url: str, args: argparse.Namespace
) -> dict[str, harness.Series]:
    resources = await Resources.open(
        PickeySettings(
            _env_file=None, environment="development", database_url=url, redis_url=redis_url
        )
    )
    try:
        return await measure_enqueue(resources, args)
    finally:
        await resources.close()


def report_drain(drains: dict[str, Drain], args: argparse.Namespace) -> list[str]:
    """Print the drain table; return its goal lines."""
    ours, arq = drains["ours"], drains["arq defaults"]
    drain_ratio = ours.jobs_per_second.median / arq.jobs_per_second.median
    print(
        f"\ndrain: {args.jobs:,} no-op jobs pushed at once; enqueue->start: {args.trickle} jobs "
        f"{args.trickle_gap_ms:g} ms apart; {args.rounds} rounds (pid {os.getpid()})"
    )
    harness.print_table(
        ["worker", "jobs/s", "x arq", "enqueue->start p50 ms", "worker CPU ms/job"],
        [
            [
                name,
                figures.jobs_per_second.show(),
                f"{figures.jobs_per_second.median / arq.jobs_per_second.median:.2f}",
                figures.start_p50_ms.show(1),
                figures.cpu_ms_per_job.show(2),
            ]
            for name, figures in drains.items()
        ],
    )
    return [
        goal_line(
            "drain",
            drain_ratio >= DRAIN_GOAL,
            f"{drain_ratio:.1f}x arq defaults (goal >= {DRAIN_GOAL:g}x), "
            f"{ours.jobs_per_second.median:,.0f} vs {arq.jobs_per_second.median:,.0f} jobs/s",
        ),
        goal_line(
            "enqueue->start",
            ours.start_p50_ms.median <= START_P50_GOAL_MS,
            f"p50 {ours.start_p50_ms.median:.1f} ms (goal <= {START_P50_GOAL_MS:g} ms; "
            f"arq defaults {arq.start_p50_ms.median:.1f} ms)",
        ),
        goal_line(
            "per-job CPU",
            ours.cpu_ms_per_job.median <= CPU_GOAL_MS,
            f"{ours.cpu_ms_per_job.median:.2f} ms worker CPU per no-op job (goal <= "
            f"{CPU_GOAL_MS:g} ms; arq defaults {arq.cpu_ms_per_job.median:.2f} ms)",
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2_000)
    parser.add_argument("--trickle", type=int, default=100)
    parser.add_argument("--trickle-gap-ms", type=float, default=10.0)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", default="", help="py-spy our worker into this file")
    parser.add_argument("--profile-seconds", type=float, default=5.0)
    parser.add_argument("--skip-enqueue", action="store_true", help="only the drain half")
    parser.add_argument("--skip-drain", action="store_true", help="only the enqueue half")
    args = parser.parse_args()
    with harness.bench_database("queue") as url, harness.bench_redis() as redis_url:
        drains = None if args.skip_drain else measure_drain(url, redis_url, args)
        enqueues = None if args.skip_enqueue else asyncio.run(enqueue_half(url, redis_url, args))

    lines = [] if drains is None else report_drain(drains, args)
    if enqueues is not None:
        baseline = enqueues["raw enqueue_job"].median
        rows = []
        for name, series in enqueues.items():
            ratio = series.median / baseline
            is_outbox = name != "raw enqueue_job"
            rows.append(
                [
                    name,
                    series.show(),
                    f"{ratio:.2f}",
                    f">= {OUTBOX_GOAL}" if is_outbox else "",
                    harness.verdict(ratio >= OUTBOX_GOAL) if is_outbox else "",
                ]
            )
        print(f"\nenqueue: {args.jobs:,} jobs, {args.rounds} rounds")
        harness.print_table(["enqueue", "jobs/s", "x raw", "goal P3", "verdict"], rows)
        single = enqueues["outbox, 1 per transaction"].median / baseline
        batched = enqueues[f"outbox, {args.batch} per transaction"].median / baseline
        lines.append(
            goal_line(
                "outbox",
                single >= OUTBOX_GOAL and batched >= OUTBOX_GOAL,
                f"{single:.2f}x raw enqueue_job at 1 per transaction, {batched:.2f}x at "
                f"{args.batch} (goal >= {OUTBOX_GOAL:g}x)",
            )
        )
    print()
    print("\n".join(lines))


if __name__ == "__main__":
    main()
