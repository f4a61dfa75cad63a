"""The public part of creator pages, cached in Redis, and its invalidation.

One key per slug (a slug never changes) holds a :class:`CachedPage` as JSON for a short time
(``PICKEY_PUBLIC_CACHE_SECONDS``, the one TTL of the api's public caches). Every write in this
service that changes a page (profile, tiers, follows, posts, scheduled publishing, erasure)
forgets it; member counts written by `payments` lag by at most the TTL. The viewer's own
relation to the creator is never cached.

A write forgets the page after its transaction commits, through the unit of work
(:class:`pickey_api.public_cache.creator_pages.PageInvalidation`).

Avatar and cover URLs inside a cached page are presigned for
:data:`pickey_api.uploads.urls.URL_TTL_SECONDS` (15 min); the TTL setting is capped at 10 min, so a
cached URL still has minutes to live when served.

Redis trouble on reads or fills is a cache miss, not an error: the page comes from PostgreSQL.
"""

from __future__ import annotations

import uuid
from typing import Annotated

import structlog
from fastapi import Depends
from pydantic import BaseModel, ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from pickey_api.creators.schemas import CreatorPage
from pickey_api.public_cache.creator_pages import creator_page_key
from pickey_api.settings import SettingsDep
from pickey_core.http.dependencies import ResourcesDep

logger = structlog.get_logger(__name__)


class CachedPage(BaseModel):
    """A cached page and its owner's user id (kept out of the response; it says who is owner)."""

    owner_id: uuid.UUID
    page: CreatorPage


class CreatorPageCache:
    def __init__(self, redis: Redis, ttl_seconds: int) -> None:
        self._redis = redis
        self._ttl_seconds = ttl_seconds

    async def get(self, slug: str) -> CachedPage | None:
        try:
            raw = await self._redis.get(creator_page_key(slug))
        except RedisError as error:
            logger.warning("creator page cache unavailable", error=str(error))
            return None
        if raw is None:
            return None
        try:
            return CachedPage.model_validate_json(raw)
        except ValidationError:  # written by an older release with another shape
            return None

    async def put(self, cached: CachedPage) -> None:
        try:
            await self._redis.set(
                creator_page_key(cached.page.profile.slug),
                cached.model_dump_json(),
                ex=self._ttl_seconds,
            )
        except RedisError as error:
            logger.warning("creator page cache unavailable", error=str(error))


def creator_page_cache(settings: SettingsDep, resources: ResourcesDep) -> CreatorPageCache:
    return CreatorPageCache(resources.redis, settings.public_cache_seconds)


CreatorPageCacheDep = Annotated[CreatorPageCache, Depends(creator_page_cache)]
