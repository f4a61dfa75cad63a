"""The Redis caches of the hot lists: the first page of a creator's posts for anonymous viewers,
and which posts open each viewer's home feed (:class:`FirstPages`, at the end).

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

import struct
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

import structlog
from fastapi import Depends
from redis.asyncio import Redis
from redis.exceptions import RedisError

from pickey_api.settings import SettingsDep
from pickey_core.http.dependencies import ResourcesDep
from pickey_core.models import Creator

logger = structlog.get_logger(__name__)

_PREFIX = "pickey:api:cache:creator-posts"


def creator_posts_key(creator: Creator, limit: int) -> str:
    stamp = int(creator.updated_at.timestamp() * 1_000_000)
    return f"{_PREFIX}:{creator.id}:{creator.posts_version}:{stamp}:{limit}"


async def cached(redis: Redis, key: str) -> bytes | None:
    try:
        value: bytes | None = await redis.get(key)
    except RedisError as error:  # any Redis trouble is a miss
        logger.warning("cache read failed", error=str(error))
        return None
    return value


async def store(redis: Redis, key: str, body: bytes, ttl_seconds: int) -> None:
    try:
        await redis.set(key, body, ex=ttl_seconds)
    except RedisError as error:  # the next reader builds the page again
        logger.warning("cache write failed", error=str(error))


async def forget_creator_posts(redis: Redis, creator_id: object) -> None:
    """Drop every cached post list of one creator (a closed page: its titles must go now, not
    when the entries expire)."""
    await _forget_under(redis, f"{_PREFIX}:{creator_id}:")


async def _forget_under(redis: Redis, prefix: str) -> None:
    """Delete every key starting with ``prefix``: a SCAN over that prefix only."""
    keys = [key async for key in redis.scan_iter(match=f"{prefix}*", count=500)]
    if keys:
        await redis.delete(*keys)


# -- The home feed's first page, per viewer -------------------------------------------------

_FIRST_PAGE_PREFIX = "pickey:api:cache:home-feed"
_FIRST_PAGE_SHAPE = b"p2:"  # entries of another shape (an older release) are misses
_DIGEST_BYTES = 32  # md5 as hex
_ENTRY = struct.Struct(">q16s")  # publication time in microseconds since the epoch, post id
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class FirstPage:
    """Which posts a viewer's home feed opened with (newest first, each with its publication
    time: the page's order and keyset), and the ``digest`` of what decided them: the viewer's
    sources (creators followed or joined) and each one's ``posts_version``
    (:func:`pickey_api.feeds.repository.home_first_page_with_reads` computes it)."""

    digest: str
    posts: list[tuple[datetime, uuid.UUID]]

    def encoded(self) -> bytes:
        entries = (
            _ENTRY.pack((published_at - _EPOCH) // _MICROSECOND, post_id.bytes)
            for published_at, post_id in self.posts
        )
        return _FIRST_PAGE_SHAPE + self.digest.encode() + b"".join(entries)

    @classmethod
    def decoded(cls, raw: bytes) -> FirstPage | None:
        shape, rest = raw[: len(_FIRST_PAGE_SHAPE)], raw[len(_FIRST_PAGE_SHAPE) :]
        digest, entries = rest[:_DIGEST_BYTES], rest[_DIGEST_BYTES:]
        if shape != _FIRST_PAGE_SHAPE or len(digest) != _DIGEST_BYTES or len(entries) % _ENTRY.size:
            return None
        posts = [
            (_EPOCH + timedelta(microseconds=micros), uuid.UUID(bytes=post_id))
            for micros, post_id in _ENTRY.iter_unpack(entries)
        ]
        return cls(digest.decode(), posts)


class FirstPages:
    """The posts of each viewer's first home-feed page, in Redis (one key per viewer and page
    size, about 550 bytes for 20 posts).

    An entry is never trusted as is: the feed's statement recomputes the digest and uses the
    posts only when it is unchanged (and only those still visible), so any follow, membership,
    publish, edit, deletion or media becoming ready is seen at once (each of them changes the
    sources or bumps a source's ``posts_version`` in its own transaction). The TTL
    (``PICKEY_HOME_FEED_CACHE_SECONDS``) only bounds Redis memory to the viewers active within
    it. Redis trouble is a miss."""

    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self._redis = redis
        self._ttl_seconds = ttl_seconds

    @staticmethod
    def key(viewer_id: uuid.UUID, limit: int) -> str:
        return f"{_FIRST_PAGE_PREFIX}:{viewer_id}:{limit}"

    async def get(self, viewer_id: uuid.UUID, limit: int) -> FirstPage | None:
        raw = await cached(self._redis, self.key(viewer_id, limit))
        return None if raw is None else FirstPage.decoded(raw)

    async def put(self, viewer_id: uuid.UUID, limit: int, page: FirstPage) -> None:
        await store(self._redis, self.key(viewer_id, limit), page.encoded(), self._ttl_seconds)


async def forget_first_pages(redis: Redis, viewer_id: uuid.UUID) -> None:
    """Drop every remembered first page of one person (account deletion: which creators they
    read goes with them, not when the entries expire)."""
    await _forget_under(redis, f"{_FIRST_PAGE_PREFIX}:{viewer_id}:")


async def first_pages(settings: SettingsDep, resources: ResourcesDep) -> FirstPages:
    return FirstPages(resources.redis, settings.home_feed_cache_seconds)


FirstPagesDep = Annotated[FirstPages, Depends(first_pages)]
