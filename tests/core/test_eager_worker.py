"""The worker claims a poll's jobs in one round trip and drains a backlog larger than its slots,
each job once, and leaves a job that another worker is running alone (arq's own rule)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

from arq.connections import RedisSettings
from arq.constants import in_progress_key_prefix
from arq.worker import func
from redis.asyncio import Redis

from pickey_core.queue.batch_push import JobToPush, push_jobs
from pickey_core.queue.connection import create_redis
from pickey_core.queue.eager_worker import EagerWorker
from tests.support.settings import TestEnvironment

QUEUE = "pickey:queue:eager-test"


async def test_a_backlog_larger_than_the_slots_runs_each_job_once(
    test_env: TestEnvironment, clean_state: None
) -> None:
    settings = test_env.notifications()
    redis = await create_redis(settings)
    ran: list[str] = []

    async def record(ctx: dict[str, Any], argument: object) -> None:
        ran.append(ctx["job_id"])

    jobs = [JobToPush(f"job-{n}", "record", {}, QUEUE) for n in range(25)]
    elsewhere = JobToPush("running-elsewhere", "record", {}, QUEUE)
    try:
        await push_jobs(redis, [*jobs, elsewhere])
        await redis.set(in_progress_key_prefix + elsewhere.job_id, b"1", px=60_000)
        worker = EagerWorker(
            functions=[func(record, name="record")],
            redis_settings=RedisSettings.from_dsn(settings.redis_url.unicode_string()),
            queue_name=QUEUE,
            job_serializer=redis.job_serializer,
            job_deserializer=redis.job_deserializer,
            max_jobs=10,
            poll_delay=0.01,
            handle_signals=False,
        )
        # Not a burst: arq's burst counts a finished job still listed among its tasks twice, so
        # a burst's end says little. The worker runs until every job ran (or 30 s), and a
        # moment longer, so that a job run twice would show.
        running = asyncio.create_task(worker.main())
        deadline = asyncio.get_running_loop().time() + 30
        while len(ran) < len(jobs) and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.05)
        await asyncio.sleep(0.5)
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running
        await worker.close()

        assert sorted(ran) == sorted(job.job_id for job in jobs)
        plain: Redis = redis
        assert await plain.zscore(QUEUE, elsewhere.job_id) is not None
    finally:
        await redis.delete(QUEUE)
        await redis.aclose()
