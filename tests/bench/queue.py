"""``just bench queue``: the enqueue half of goal P3 of issue 14 — jobs per second through the
outbox (``outbox.enqueue`` in a unit of work, pushed and stamped after its commit) against arq's
raw ``enqueue_job``, alternately, in a database (``pickey_bench_queue_<pid>``) and a
redis-server of their own.

Measured shapes, ``--jobs`` jobs each, ``--rounds`` times:

* **raw**: ``enqueue_job`` one job at a time (the baseline);
* **outbox, 1 per transaction**: what a request that enqueues one job costs (BEGIN, INSERT,
  COMMIT, push, stamp);
* **outbox, ``--batch`` per transaction**: a fan-out or sweep writing many jobs at once.

Printed: median jobs/s with min-max over rounds and the ratio outbox / raw against the goal
(>= 0.5). The drain half of P3 (worker jobs/s against arq defaults, enqueue-to-start p50) is not
measured here yet.

Run: ``python -m tests.bench.queue [--jobs N] [--batch N] [--rounds N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
import uuid
from collections.abc import Awaitable, Callable

from pickey_core.queue import outbox
from pickey_core.queue.contracts import SendWelcome
from pickey_core.resources import Resources
from pickey_notifications.settings import NotificationsSettings
from tests.bench import harness

GOAL = 0.5


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


async def measure(url: str, redis_url: str, args: argparse.Namespace) -> dict[str, harness.Series]:
    settings = NotificationsSettings(database_url=url, redis_url=redis_url)
    resources = await Resources.open(settings)
    shapes: dict[str, Callable[[], Awaitable[float]]] = {
        "raw enqueue_job": lambda: raw(resources, args.jobs),
        "outbox, 1 per transaction": lambda: through_outbox(resources, args.jobs, 1),
        f"outbox, {args.batch} per transaction": lambda: through_outbox(
            resources, args.jobs, args.batch
        ),
    }
    figures = {name: harness.Series() for name in shapes}
    try:
        for _ in range(args.rounds):
            for name, run in shapes.items():
                await resources.redis.flushdb()
                figures[name].values.append(await run())
    finally:
        await resources.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--jobs", type=int, default=2_000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with harness.bench_database("queue") as url, harness.bench_redis() as redis_url:
        figures = asyncio.run(measure(url, redis_url, args))
    baseline = figures["raw enqueue_job"].median
    rows = []
    for name, series in figures.items():
        ratio = series.median / baseline
        is_outbox = name != "raw enqueue_job"
        rows.append(
            [
                name,
                series.show(),
                f"{ratio:.2f}",
                f">= {GOAL}" if is_outbox else "",
                harness.verdict(ratio >= GOAL) if is_outbox else "",
            ]
        )
    print(f"\n{args.jobs:,} jobs, {args.rounds} rounds (pid {os.getpid()})")
    harness.print_table(["enqueue", "jobs/s", "x raw", "goal P3", "verdict"], rows)


if __name__ == "__main__":
    main()
