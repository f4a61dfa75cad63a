"""PostgreSQL or Redis failing during a request is an outage, not our bug: answer 503 with
``Retry-After`` and the one error shape, naming the dependency, never 500.

What counts as "the dependency is unavailable" (anything else stays a 500 and is logged):

* the connection cannot be opened, was lost, or timed out (refused, reset, the connect timeout,
  asyncpg's ``command_timeout`` against a frozen server, redis-py's socket timeouts);
* SQLAlchemy's pool had no free connection within ``PICKEY_DATABASE_POOL_TIMEOUT_SECONDS``;
* PostgreSQL refused or cancelled the work for reasons of its own state, by SQLSTATE: class 08
  (connection exception), 53 (insufficient resources, e.g. too many connections), 57014 (our
  ``statement_timeout``), 55P03 (our ``lock_timeout``), 57P01-57P03 (shutting down, starting up),
  25P03 (``idle_in_transaction_session_timeout``).

The exception chain is walked, because SQLAlchemy and asyncpg wrap the socket error in one or
two layers (and a plain ``OSError`` is attributed by the library whose frames raised it).
"""

from __future__ import annotations

from types import TracebackType
from typing import Literal

import asyncpg
import sqlalchemy.exc
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

Dependency = Literal["database", "redis"]

_UNAVAILABLE_SQLSTATES = frozenset({"57014", "55P03", "57P01", "57P02", "57P03", "25P03"})
_UNAVAILABLE_SQLSTATE_CLASSES = ("08", "53")


def _chain(error: BaseException) -> list[BaseException]:
    seen: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and current not in seen:
        seen.append(current)
        current = current.__cause__ or current.__context__
    return seen


def _sqlstate(error: BaseException) -> str | None:
    for name in ("sqlstate", "pgcode"):
        value = getattr(error, name, None)
        if isinstance(value, str) and len(value) == 5:
            return value
    return None


def _raised_in(traceback: TracebackType | None) -> Dependency | None:
    """Which client library's code raised a bare OSError/TimeoutError, if either."""
    found: Dependency | None = None
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if "/asyncpg/" in filename or "/sqlalchemy/" in filename:
            found = "database"
        elif "/redis/" in filename:
            found = "redis"
        traceback = traceback.tb_next
    return found


def unavailable_dependency(error: BaseException) -> Dependency | None:
    """The dependency whose outage caused ``error``, or None when it is something else."""
    chain = _chain(error)
    for item in chain:
        if isinstance(item, RedisConnectionError | RedisTimeoutError):
            return "redis"
        if isinstance(item, sqlalchemy.exc.TimeoutError):  # no pooled connection in time
            return "database"
        state = _sqlstate(item)
        if state is not None and (
            state in _UNAVAILABLE_SQLSTATES or state.startswith(_UNAVAILABLE_SQLSTATE_CLASSES)
        ):
            return "database"
        if isinstance(item, sqlalchemy.exc.DBAPIError) and item.connection_invalidated:
            return "database"
        if isinstance(item, asyncpg.exceptions.ConnectionDoesNotExistError):
            return "database"
    for item in chain:
        if isinstance(item, OSError | TimeoutError):
            return _raised_in(item.__traceback__)
    return None


# Exception classes whose instances may be an outage; the handler decides which ones are.
CANDIDATES: tuple[type[Exception], ...] = (
    sqlalchemy.exc.SQLAlchemyError,
    asyncpg.PostgresError,
    asyncpg.InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    OSError,
    TimeoutError,
)
