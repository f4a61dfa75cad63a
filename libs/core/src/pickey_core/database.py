"""Engine and session factory (SQLAlchemy 2 async on asyncpg).

The rule about transactions lives in :meth:`pickey_core.resources.Resources.unit_of_work`:
services and repositories flush, the request or job boundary commits.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import ORMExecuteState, Session

from pickey_core.settings import PickeySettings

# Below the usual idle limits of load balancers and managed PostgreSQL (an hour or more).
POOL_RECYCLE_SECONDS = 30 * 60


def _milliseconds(seconds: float) -> str:
    return str(max(1, round(seconds * 1000)))


def create_engine(settings: PickeySettings) -> AsyncEngine:
    """The process's engine, with every wait bounded so a slow, frozen or unreachable database
    fails a request in seconds (503, see :mod:`pickey_core.http.dependency_errors`):

    * server side, on every connection: ``statement_timeout``, ``lock_timeout`` and
      ``idle_in_transaction_session_timeout``;
    * client side: the connect timeout, asyncpg's ``command_timeout`` (a frozen server cannot
      enforce its own timeouts) and the pool's wait for a free connection.

    No ``pool_pre_ping``: it cost every request a round trip (issue 14). A connection the server
    dropped fails its next statement instead; SQLAlchemy sees the disconnect, discards that
    connection and every older one of the pool, and the request answers 503 with Retry-After
    (:mod:`pickey_core.http.dependency_errors`), so at most one request per outage sees it and
    the next checkout connects afresh. Connections are also replaced after
    :data:`POOL_RECYCLE_SECONDS`, before a server-side or network idle limit closes them.
    """
    return create_async_engine(
        str(settings.database_url),
        pool_size=settings.database_pool_size,
        max_overflow=settings.database_max_overflow,
        pool_timeout=settings.database_pool_timeout_seconds,
        pool_recycle=POOL_RECYCLE_SECONDS,
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


class ReadOnlySession(Session):
    """The session of reads that need no transaction (:func:`create_read_session_factory`)."""


class WriteInReadSession(RuntimeError):
    """A write through a read-only session: the endpoint must use the unit of work instead."""


def _refuse_writes(state: ORMExecuteState) -> None:
    if state.is_insert or state.is_update or state.is_delete:
        raise WriteInReadSession("a read-only session cannot write; use the unit of work")


def _refuse_flush(session: Session, *_: Any) -> None:
    if session.new or session.dirty or session.deleted:
        raise WriteInReadSession("a read-only session cannot write; use the unit of work")


event.listen(ReadOnlySession, "do_orm_execute", _refuse_writes)
event.listen(ReadOnlySession, "before_flush", _refuse_flush)


def autocommit_engine(engine: AsyncEngine) -> AsyncEngine:
    """``engine``'s pool with connections in AUTOCOMMIT: each statement commits on its own, so
    one statement is one round trip (no BEGIN, no COMMIT). For reads, and for single statements
    that need no atomicity with others (the outbox's stamps, the worker's job checks)."""
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def create_read_session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    """Sessions for reads only, on AUTOCOMMIT connections of the same pool: no BEGIN and no
    COMMIT, two round trips fewer per request (issue 14).

    Each statement then sees its own snapshot, exactly as in a READ COMMITTED transaction (our
    default), so a read that runs several statements sees nothing it would not have seen
    before. Writing through such a session raises :class:`WriteInReadSession` (ORM flushes and
    ``insert``/``update``/``delete`` statements): a write needs the unit of work's one commit.
    """
    return async_sessionmaker(
        autocommit_engine(engine),
        expire_on_commit=False,
        autoflush=False,
        sync_session_class=ReadOnlySession,
    )
