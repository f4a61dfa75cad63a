"""The session store restarts a session's idle clock at most once per touch interval, so a
busy reader costs one Redis round trip per request (issue 14), and still keeps the session."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from pickey_core.sessions import SessionConfig, SessionStore


@pytest.fixture
async def redis(redis_url: str, clean_state: None) -> AsyncIterator[Redis]:
    client = Redis.from_url(redis_url)
    yield client
    await client.aclose()


def store(redis: Redis, idle: int) -> SessionStore:
    # Below the production minimum (60 s), hence model_construct.
    config = SessionConfig.model_construct(idle_timeout_seconds=idle, absolute_timeout_seconds=600)
    return SessionStore(redis, config)


async def stored(redis: Redis) -> tuple[bytes, int]:
    (key,) = [key async for key in redis.scan_iter(match="pickey:session:*")]
    value = await redis.get(key)
    assert value is not None
    return value, await redis.pttl(key)


async def test_a_read_soon_after_the_last_touch_writes_nothing(redis: Redis) -> None:
    sessions = store(redis, idle=3600)  # touch interval: 60 s
    session_id, created = await sessions.create(uuid.uuid4())
    value, ttl = await stored(redis)
    await asyncio.sleep(0.05)

    read = await sessions.get(session_id)

    assert read == created
    assert (await stored(redis))[0] == value
    assert (await stored(redis))[1] <= ttl


async def test_a_read_after_the_touch_interval_restarts_the_idle_clock(redis: Redis) -> None:
    sessions = store(redis, idle=2)  # touch interval: 0.125 s
    session_id, created = await sessions.create(uuid.uuid4())
    await asyncio.sleep(0.3)

    read = await sessions.get(session_id)

    assert read is not None
    assert read.last_seen_at > created.last_seen_at
    value, ttl = await stored(redis)
    assert str(read.last_seen_at) in value.decode()
    assert ttl > 1900


async def test_an_idle_session_still_ends(redis: Redis) -> None:
    sessions = store(redis, idle=1)
    session_id, _ = await sessions.create(uuid.uuid4())
    await asyncio.sleep(1.2)

    assert await sessions.get(session_id) is None
