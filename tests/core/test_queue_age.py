"""The oldest-job gauge measures how long the longest-waiting due job has waited."""

from __future__ import annotations

import time

import redis.asyncio as aioredis

from pickey_core.queue.contracts import Queue
from pickey_core.queue.worker import oldest_due_job_age


async def test_oldest_due_job_age_ignores_deferred_jobs(redis_url: str, clean_state: None) -> None:
    client = aioredis.from_url(redis_url)
    queue = Queue.MEDIA
    now_ms = time.time() * 1000
    try:
        assert await oldest_due_job_age(client, queue) == 0.0
        await client.zadd(queue.value, {"deferred": now_ms + 600_000})
        assert await oldest_due_job_age(client, queue) == 0.0
        await client.zadd(queue.value, {"late": now_ms - 90_000, "recent": now_ms - 1_000})
        assert await oldest_due_job_age(client, queue) >= 90.0
    finally:
        await client.aclose()
