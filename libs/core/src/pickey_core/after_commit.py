"""Work that must wait for a transaction's commit (clearing caches of what it changed).

:func:`register` adds a callback in the caller's transaction; :meth:`Resources.unit_of_work`
runs the callbacks after the commit, beside the outbox push, and drops them on rollback. Clearing
a cache before the commit would let a concurrent reader, still seeing the old rows, fill it again
with what the transaction is removing. A callback's Redis failure is logged, never raised:
the transaction is committed, and what the callbacks clear has a TTL. Any other exception is a
bug in the callback and propagates.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import structlog
from redis.exceptions import RedisError
from sqlalchemy.ext.asyncio import AsyncSession

logger = structlog.get_logger(__name__)

_SESSION_KEY = "pickey.after_commit"

Callback = Callable[[], Awaitable[None]]


def register(session: AsyncSession, callback: Callback) -> None:
    session.info.setdefault(_SESSION_KEY, []).append(callback)


def discard(session: AsyncSession) -> None:
    session.info.pop(_SESSION_KEY, None)


async def run(session: AsyncSession) -> None:
    callbacks: list[Callback] = session.info.pop(_SESSION_KEY, [])
    for callback in callbacks:
        try:
            await callback()
        except RedisError as error:  # committed already; the caches expire by themselves
            logger.warning("after-commit clean-up failed", error=str(error))
