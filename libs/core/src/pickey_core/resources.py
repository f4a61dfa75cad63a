"""The long-lived connections a process holds, and the unit-of-work boundary that uses them."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from arq.connections import ArqRedis
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from pickey_core import after_commit
from pickey_core.database import (
    create_engine,
    create_read_session_factory,
    create_session_factory,
)
from pickey_core.queue.connection import create_redis
from pickey_core.queue.outbox import push_committed
from pickey_core.settings import PickeySettings


@dataclass
class Resources:
    """Database engine, session factory and Redis pool of one process (web app or worker)."""

    settings: PickeySettings
    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]
    redis: ArqRedis
    reads: async_sessionmaker[AsyncSession] = field(init=False)

    def __post_init__(self) -> None:
        self.reads = create_read_session_factory(self.engine)

    @classmethod
    async def open(cls, settings: PickeySettings) -> Resources:
        engine = create_engine(settings)
        return cls(
            settings=settings,
            engine=engine,
            sessions=create_session_factory(engine),
            redis=await create_redis(settings),
        )

    async def close(self) -> None:
        await self.redis.aclose()
        # The pool was handed to the client, so the client does not close it by itself.
        await self.redis.connection_pool.disconnect()
        await self.engine.dispose()

    @asynccontextmanager
    async def read_only(self) -> AsyncIterator[AsyncSession]:
        """A session for reads that need no transaction: no BEGIN, no COMMIT, and writing
        through it raises (:func:`pickey_core.database.create_read_session_factory`)."""
        async with self.reads() as session:
            yield session

    @asynccontextmanager
    async def unit_of_work(self) -> AsyncIterator[AsyncSession]:
        """A session whose transaction commits when the block succeeds and rolls back if it raises.

        This is the only place that commits. After the commit, outbox messages written in the
        transaction are pushed to Redis at once; if that fails the outbox sweeper pushes them.
        Then the transaction's :mod:`pickey_core.after_commit` callbacks run (cache clean-up).
        """
        async with self.sessions() as session:
            try:
                yield session
                await session.commit()
            except BaseException:
                await session.rollback()
                after_commit.discard(session)
                raise
        await push_committed(self, session)
        await after_commit.run(session)
