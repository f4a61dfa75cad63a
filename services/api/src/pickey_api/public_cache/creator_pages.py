"""Forgetting a cached creator page once the transaction that changed it has committed.

Forgetting before the commit would let a concurrent reader, still seeing the old rows, put the
old page back until the TTL ends. :class:`PageInvalidation` registers the deletion with
:mod:`pickey_core.after_commit`, which :meth:`~pickey_core.resources.Resources.unit_of_work`
runs after the commit (beside the outbox push) and drops on rollback, so no endpoint depends on
the order of its parameters. The cache itself is :mod:`pickey_api.creators.cache`.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated

from fastapi import Depends
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core import after_commit
from pickey_core.http.dependencies import ResourcesDep, SessionDep

_KEY = "pickey:creator-page:{slug}"


def creator_page_key(slug: str) -> str:
    return _KEY.format(slug=slug)


async def forget_creator_page(redis: Redis, slug: str) -> None:
    """Delete one cached page, after the commit of what changed it (:class:`PageInvalidation`)."""
    await redis.delete(creator_page_key(slug))


class PageInvalidation:
    """The creator pages one transaction changes, forgotten once it has committed."""

    def __init__(self, session: AsyncSession, redis: Redis) -> None:
        self._session = session
        self._redis = redis

    def forget(self, slug: str) -> None:
        after_commit.register(self._session, partial(forget_creator_page, self._redis, slug))


def page_invalidation(session: SessionDep, resources: ResourcesDep) -> PageInvalidation:
    return PageInvalidation(session, resources.redis)


PageInvalidationDep = Annotated[PageInvalidation, Depends(page_invalidation)]
