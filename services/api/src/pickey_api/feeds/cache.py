"""The Redis cache of hot public reads: the first page of a creator's posts for anonymous viewers.

The key holds the creator's ``posts_version`` (bumped in the same transaction as every change to
their posts: publish, edit, delete, scheduled publish, media becoming ready) and ``updated_at``
(profile edits). A reader only sees a new version once that transaction has committed, so a
cached page is never older than the data it was keyed on; stale versions simply expire.

Entries live ``PICKEY_PUBLIC_CACHE_SECONDS`` (at most 10 minutes): like, comment and vote counts
may lag by that much for anonymous viewers, and the presigned media URLs inside (valid 15
minutes) stay usable. Redis trouble never
fails a read: the page is built from the database instead.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog
from redis.exceptions import RedisError

from pickey_core.models import Creator

if TYPE_CHECKING:
    from arq.connections import ArqRedis

logger = structlog.get_logger(__name__)

_PREFIX = "pickey:api:cache:creator-posts"


def creator_posts_key(creator: Creator, limit: int) -> str:
    stamp = int(creator.updated_at.timestamp() * 1_000_000)
    return f"{_PREFIX}:{creator.id}:{creator.posts_version}:{stamp}:{limit}"


async def cached(redis: ArqRedis, key: str) -> bytes | None:
    try:
        value: bytes | None = await redis.get(key)
    except RedisError as error:  # any Redis trouble is a miss
        logger.warning("cache read failed", error=str(error))
        return None
    return value


async def store(redis: ArqRedis, key: str, body: bytes, ttl_seconds: int) -> None:
    try:
        await redis.set(key, body, ex=ttl_seconds)
    except RedisError as error:  # the next reader builds the page again
        logger.warning("cache write failed", error=str(error))


async def forget_creator_posts(redis: ArqRedis, creator_id: object) -> None:
    """Drop every cached post list of one creator (a closed page: its titles must go now, not
    when the entries expire). A SCAN over this creator's prefix only."""
    keys = [key async for key in redis.scan_iter(match=f"{_PREFIX}:{creator_id}:*", count=500)]
    if keys:
        await redis.delete(*keys)
