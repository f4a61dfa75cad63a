"""Round trips of one request (issue 14): across a network every one costs a latency, whatever
the query. Counted on real PostgreSQL and Redis:

* database: every statement (``before_cursor_execute``), every BEGIN, COMMIT and ROLLBACK of a
  connection in a transaction (an AUTOCOMMIT connection sends none: the read-only sessions of
  ``reads_only`` endpoints), and the pool's pre-ping on checkout (one ``SELECT 1`` per checkout
  if ``pool_pre_ping`` were on);
* Redis: every command the server executed (``INFO commandstats`` after ``CONFIG RESETSTAT``;
  the counter's own INFO and CONFIG are not counted).

Used by every service's round-trip test (``tests/api``, ``tests/payments``).
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, TypeVar

from redis.asyncio import Redis
from sqlalchemy import Connection, event

from pickey_core.resources import Resources

T = TypeVar("T")


@dataclass(frozen=True)
class RoundTrips:
    database: int = 0
    redis: int = 0


class RoundTripCounter:
    """Database round trips of one engine, Redis commands of one server (the engine's and the
    Redis of ``resources``: the app under test must use these)."""

    def __init__(self, resources: Resources) -> None:
        self._resources = resources
        self._database = 0
        sync_engine = resources.engine.sync_engine
        event.listen(sync_engine, "before_cursor_execute", self._count)
        for name in ("begin", "commit", "rollback"):
            event.listen(sync_engine, name, self._count_transactional)
        if sync_engine.pool._pre_ping:
            event.listen(sync_engine.pool, "checkout", self._count)

    def _count(self, *args: Any) -> None:
        self._database += 1

    def _count_transactional(self, connection: Connection, *args: Any) -> None:
        if connection.get_execution_options().get("isolation_level") != "AUTOCOMMIT":
            self._database += 1

    async def measure(self, request: Awaitable[T]) -> tuple[T, RoundTrips]:
        """What ``request`` (a request, or a helper making one) returned, and its round trips."""
        redis: Redis = self._resources.redis
        await redis.config_resetstat()
        self._database = 0
        response = await request
        database = self._database
        stats = await redis.info("commandstats")
        commands = sum(
            int(value["calls"])
            for name, value in stats.items()
            if name not in {"cmdstat_info", "cmdstat_config|resetstat", "cmdstat_config"}
        )
        return response, RoundTrips(database, commands)
