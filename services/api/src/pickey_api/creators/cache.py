"""The public part of creator pages, cached in Redis, and its invalidation.

One key per slug (a slug never changes) holds a :class:`CachedPage` as JSON for a short time
(``PICKEY_CREATOR_PAGE_CACHE_SECONDS``). Every write in this service that changes a page
(profile, tiers, follows) forgets it; counts written elsewhere (memberships by `payments`, posts
by publishing) lag by at most the TTL unless their writer calls :func:`forget_creator_page`.
The viewer's own relation to the creator is never cached.

A write forgets the page twice: at once, and again after its transaction commits. Forgetting
only before the commit would let a concurrent reader, still seeing the old rows, put the old page
back until the TTL ends. The second forget is the teardown of :data:`PageInvalidationDep`; it
runs after the request's commit because FastAPI unwinds function-scoped dependencies in reverse
order, so **declare ``PageInvalidationDep`` before any other dependency** of a writing endpoint.

Avatar and cover URLs inside a cached page are presigned for
:data:`pickey_api.uploads.urls.URL_TTL_SECONDS` (15 min); the TTL setting is capped at 10 min, so a
cached URL still has minutes to live when served.

Redis trouble on reads or fills is a cache miss, not an error: the page comes from PostgreSQL.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Annotated

import structlog
from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError
from redis.asyncio import Redis
from redis.exceptions import RedisError

from pickey_api.creators.schemas import CreatorPage
from pickey_api.settings import ApiSettings
from pickey_core.http.dependencies import ResourcesDep

logger = structlog.get_logger(__name__)

_KEY = "pickey:creator-page:{slug}"


def _key(slug: str) -> str:
    return _KEY.format(slug=slug)


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
            raw = await self._redis.get(_key(slug))
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
                _key(cached.page.profile.slug), cached.model_dump_json(), ex=self._ttl_seconds
            )
        except RedisError as error:
            logger.warning("creator page cache unavailable", error=str(error))

    async def forget(self, *slugs: str) -> None:
        if slugs:
            await self._redis.delete(*(_key(slug) for slug in slugs))


async def forget_creator_page(redis: Redis, slug: str) -> None:
    """For writers elsewhere (publishing, memberships) that change a page's counts."""
    await redis.delete(_key(slug))


class PageInvalidation:
    """The pages one request changes: forgotten at once and again after the commit."""

    def __init__(self, cache: CreatorPageCache) -> None:
        self._cache = cache
        self._slugs: set[str] = set()

    async def forget(self, slug: str) -> None:
        self._slugs.add(slug)
        await self._cache.forget(slug)

    async def forget_again(self) -> None:
        try:
            await self._cache.forget(*self._slugs)
        except RedisError as error:  # the TTL bounds how long the page may stay stale
            logger.warning("creator page not forgotten after commit", error=str(error))


def creator_page_cache(request: Request, resources: ResourcesDep) -> CreatorPageCache:
    settings: ApiSettings = request.app.state.settings
    return CreatorPageCache(resources.redis, settings.creator_page_cache_seconds)


CreatorPageCacheDep = Annotated[CreatorPageCache, Depends(creator_page_cache)]


async def page_invalidation(cache: CreatorPageCacheDep) -> AsyncIterator[PageInvalidation]:
    invalidation = PageInvalidation(cache)
    try:
        yield invalidation
    finally:
        await invalidation.forget_again()


PageInvalidationDep = Annotated[PageInvalidation, Depends(page_invalidation, scope="function")]
