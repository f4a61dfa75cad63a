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


def _milliseconds(seconds: float) -> str:
    return str(max(1, round(seconds * 1000)))


def create_engine(settings: PickeySettings) -> AsyncEngine:
    """The process's engine, with every wait bounded so a slow, frozen or unreachable database
    fails a request in seconds (503, see :mod:`pickey_core.http.dependency_errors`):

    * server side, on every connection: ``statement_timeout``, ``lock_timeout`` and
      ``idle_in_transaction_session_timeout``;
    * client side: the connect timeout, asyncpg's ``command_timeout`` (a frozen server cannot
      enforce its own timeouts) and the pool's wait for a free connection.
    """
    return create_async_engine(
        str(settings.database_url),
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout_seconds,
        pool_pre_ping=True,
        connect_args={
            "timeout": settings.database_connect_timeout_seconds,
            "command_timeout": settings.database_command_timeout_seconds,
            "server_settings": {
                "application_name": settings.service_name,
                "statement_timeout": _milliseconds(settings.database_statement_timeout_seconds),
                "lock_timeout": _milliseconds(settings.database_lock_timeout_seconds),
                "idle_in_transaction_session_timeout": _milliseconds(
                    settings.database_idle_in_transaction_timeout_seconds
                ),
            },
        },
    )


def create_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # expire_on_commit=False: objects stay readable after the boundary commits (responses are
    # rendered from them).
    return async_sessionmaker(engine, expire_on_commit=False, autoflush=False)
