"""An arq worker that outlives Redis outages of any length.

arq's poll loop reads the queue, starts jobs and refreshes its health key in one iteration; any
Redis error there (a refused connection, a timeout, Redis still loading its AOF) propagates out of
``Worker.main`` and the process exits. With every worker of every service doing that at once, a
10-second Redis restart took the whole platform's background work down (issue 12).

Here a Redis error in an iteration is logged, the loop backs off (exponential, with jitter, capped
by ``PICKEY_WORKER__REDIS_OUTAGE_BACKOFF_MAX_SECONDS``) and tries again; redis-py reconnects on the
next command. Nothing is lost or repeated because of it:

* jobs already running keep running (they need PostgreSQL, not Redis); a job that finished while
  Redis was away could not be removed from the queue, so it runs again later and is skipped: its
  outbox row is already completed (:func:`pickey_core.queue.outbox.should_run`);
* a job that could not be pushed stays an undispatched outbox row; the sweeper pushes it;
* the pool is built with connect and command timeouts, so a Redis that stops answering (a frozen
  host, a black-holed network) is an error after seconds rather than a worker hung for ever.

Start-up waits for Redis the same way instead of exiting after arq's five connection attempts.
"""

from __future__ import annotations

import asyncio
import random
from typing import Any

import structlog
from arq.connections import ArqRedis
from redis.asyncio import ConnectionPool
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from pickey_core.observability.metrics import REDIS_OUTAGE_RETRIES
from pickey_core.queue.eager_worker import EagerWorker

logger = structlog.get_logger(__name__)

# What "Redis is not there right now" looks like from redis-py (BusyLoadingError, raised while
# Redis replays its AOF after a restart, is a ConnectionError).
REDIS_UNAVAILABLE: tuple[type[BaseException], ...] = (
    RedisConnectionError,
    RedisTimeoutError,
    ConnectionError,
    TimeoutError,
    OSError,
)


def outage_backoff_seconds(failures: int, cap: float) -> float:
    """0.25 s, 0.5 s, 1 s ... up to ``cap``, each with up to half of it as jitter (all workers
    of a deployment must not reconnect in the same instant)."""
    base = min(cap, 0.25 * 2 ** min(failures - 1, 16))
    return float(base / 2 + random.uniform(0, base / 2))  # noqa: S311


class ResilientWorker(EagerWorker):
    """:class:`arq.worker.Worker` whose poll loop and start-up survive Redis being away."""

    def __init__(
        self,
        *args: Any,
        redis_url: str | None = None,
        redis_connect_timeout_seconds: float = 2.0,
        redis_command_timeout_seconds: float = 5.0,
        redis_outage_backoff_max_seconds: float = 10.0,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self._redis_url = redis_url
        self._connect_timeout = redis_connect_timeout_seconds
        self._command_timeout = redis_command_timeout_seconds
        self._backoff_cap = redis_outage_backoff_max_seconds
        self._failures = 0
        self._last_error: BaseException | None = None

    async def main(self) -> None:
        if self._pool is None and self._redis_url is not None:
            self._pool = ArqRedis(
                connection_pool=ConnectionPool.from_url(
                    self._redis_url,
                    socket_connect_timeout=self._connect_timeout,
                    socket_timeout=self._command_timeout,
                ),
                job_serializer=self.job_serializer,
                job_deserializer=self.job_deserializer,
                default_queue_name=self.queue_name,
                expires_extra_ms=self.expires_extra_ms,
            )
        if self._pool is not None:
            while not await self._redis_answers():
                await self._back_off("redis unreachable at start-up; waiting for it")
            self._recovered()
        await super().main()

    async def _redis_answers(self) -> bool:
        try:
            await self.pool.ping()
        except REDIS_UNAVAILABLE as error:
            self._last_error = error
            return False
        return True

    async def _poll_iteration(self) -> None:
        try:
            await super()._poll_iteration()
        except REDIS_UNAVAILABLE as error:
            self._last_error = error
            await self._back_off("redis unreachable; backing off and reconnecting")
            return
        self._recovered()

    async def _back_off(self, message: str) -> None:
        self._failures += 1
        delay = outage_backoff_seconds(self._failures, self._backoff_cap)
        REDIS_OUTAGE_RETRIES.labels(self.queue_name).inc()
        logger.warning(
            message,
            queue=self.queue_name,
            error=repr(self._last_error),
            failures=self._failures,
            retry_in=round(delay, 2),
        )
        await asyncio.sleep(delay)

    def _recovered(self) -> None:
        if self._failures:
            logger.warning("redis reachable again", queue=self.queue_name, failures=self._failures)
            self._failures = 0

    async def close(self) -> None:
        """arq's close deletes the health key and closes the pool; with Redis away that raises and
        the process would exit non-zero after a clean drain. Shut down without it."""
        try:
            await super().close()
        except REDIS_UNAVAILABLE as error:
            logger.warning("redis unreachable while closing the worker", error=repr(error))
            if self.on_shutdown:
                await self.on_shutdown(self.ctx)
