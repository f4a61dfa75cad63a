"""Engine and session factory (SQLAlchemy 2 async on asyncpg).

The rule about transactions lives in :meth:`pickey_core.resources.Resources.unit_of_work`:
services and repositories flush, the request or job boundary commits.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from pickey_core.settings import PickeySettings


def create_engine(settings: PickeySettings) -> AsyncEngine:
    return create_async_engine(
        str(settings.database_url),
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_pre_ping=True,
        connect_args={"server_settings": {"application_name": settings.service_name}},
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after the boundary commits (responses are
    # rendered from them).
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
