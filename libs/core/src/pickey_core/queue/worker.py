"""Build an arq worker for one service's queue, with the behaviour arq leaves to us.

What arq does by default and what we do about it (see arq's ``worker.py``):

* On SIGTERM arq cancels running jobs at once; we set ``job_completion_wait`` so they can
  finish, and a job cancelled after the wait goes back to the queue (it must be, and is, safe to
  run again).
* arq retries only on ``Retry``/cancellation; any other error fails the job for good. Our wrapper
  turns errors into retries with exponential backoff until ``max_tries``; after that the outbox
  sweeper pushes the job again later (a long provider outage loses nothing).
* ``_job_id`` deduplicates only while the job or its result exists in Redis. The outbox row is
  the lasting record: a job whose row is completed (or absent) is skipped.
* The default serializer is pickle; we use JSON (:mod:`pickey_core.queue.connection`).
* Any Redis error in arq's poll loop ends ``Worker.main`` and the process; we run
  :class:`pickey_core.queue.resilient_worker.ResilientWorker`, which backs off and reconnects.
* arq polls every 0.5 s and claims jobs one by one (about 200 short jobs a second, 250 ms of
  waiting on average); we poll every ``poll_delay_seconds`` (20 ms), claim a poll's jobs in one
  round trip and refill slots at once under a backlog
  (:class:`pickey_core.queue.eager_worker.EagerWorker`), and each job's outbox check and
  completion are statements shared by the jobs running at the same moment (:class:`OutboxChecks`).
* The health key is refreshed every ``health_check_interval_seconds`` under a key of this worker
  instance (host name), so ``worker --check`` reflects this worker, not any worker of the queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import socket
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, fields
from functools import partial
from typing import Any, Generic, Protocol, TypeVar

import structlog
from arq import Retry
from arq.connections import RedisSettings
from arq.cron import CronJob, cron
from arq.worker import Function, func
from pydantic import ValidationError
from redis.asyncio import Redis
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from pickey_core.database import autocommit_engine
from pickey_core.observability.metrics import (
    JOB_DURATION,
    JOBS,
    OUTBOX_PENDING,
    QUEUE_DEPTH,
    QUEUE_OLDEST_JOB_AGE,
)
from pickey_core.queue import outbox
from pickey_core.queue.coalesce import Coalescer
from pickey_core.queue.connection import deserialize_job, redis_settings, serialize_job
from pickey_core.queue.contracts import JobPayload, Queue
from pickey_core.queue.resilient_worker import ResilientWorker
from pickey_core.resources import Resources
from pickey_core.settings import PickeySettings

logger = structlog.get_logger(__name__)

P = TypeVar("P", bound=JobPayload)
V = TypeVar("V")


class ServiceResources(Protocol):
    """What one service's worker opens at start-up and every job and periodic job shares (its
    typed settings, provider clients, limits), closed when the worker stops."""

    async def aclose(self) -> None: ...


S = TypeVar("S", bound=ServiceResources)


@dataclass(frozen=True)
class JobContext(Generic[S]):
    """What a job or periodic-job handler gets besides its payload: the shared database and
    Redis (``resources``), its service's own typed resources (``service``) and arq's bookkeeping."""

    resources: Resources
    service: S
    job_id: str
    job_try: int


JobHandler = Callable[[JobContext[S], P], Awaitable[None]]
PeriodicHandler = Callable[[JobContext[S]], Awaitable[object]]


@dataclass(frozen=True)
class JobRoute(Generic[S, P]):
    """A payload type and the handler that consumes it."""

    payload: type[P]
    handler: JobHandler[S, P]
    max_tries: int | None = None


def every_seconds(interval: int) -> set[int]:
    """The seconds of each minute on which a job due every ``interval`` seconds starts."""
    return set(range(0, 60, interval))


@dataclass(frozen=True)
class PeriodicJob(Generic[S]):
    """A job the worker starts on a schedule (arq's cron), declared once with its guarantees.

    By default a run is never started while another is running anywhere (``unique``), is not
    retried (``max_tries=1``: the next run is the retry) and runs once when the worker starts, so
    a worker that was down catches up at once. ``second``/``minute`` are arq's cron fields, with
    its defaults: at second 0 of every minute (``None`` would mean every second/minute).
    """

    name: str
    handler: PeriodicHandler[S]
    timeout: float
    second: int | set[int] | None = 0
    minute: int | set[int] | None = None
    run_at_startup: bool = True
    unique: bool = True
    max_tries: int = 1


def _context(ctx: dict[str, Any]) -> JobContext[Any]:
    return JobContext(ctx["resources"], ctx["service"], ctx["job_id"], ctx["job_try"])


def _schedule(job: PeriodicJob[Any]) -> CronJob:
    async def run(ctx: dict[str, Any]) -> object:
        return await job.handler(_context(ctx))

    run.__qualname__ = run.__name__ = job.name.replace(".", "_")
    return cron(
        run,
        name=job.name,
        second=job.second,
        minute=job.minute,
        run_at_startup=job.run_at_startup,
        unique=job.unique,
        max_tries=job.max_tries,
        timeout=job.timeout,
    )


def health_check_key(queue: Queue) -> str:
    return f"{queue.value}:health:{socket.gethostname()}"


def backoff_seconds(job_try: int, cap: int) -> float:
    """Exponential backoff with full jitter: retries of many jobs do not arrive together."""
    return float(random.uniform(0, min(cap, 2**job_try)))  # noqa: S311


class OutboxChecks:
    """The two questions every job asks of its outbox row, each asked for all concurrent jobs
    in one statement (:mod:`pickey_core.queue.coalesce`): may it run, and it has completed.

    They go over one autocommit connection the worker keeps (a pool checkout would add the
    pre-ping's three round trips to each statement); a connection that failed is dropped and
    the next statement opens a new one (the jobs of the failed batch are retried).
    """

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None
        self._held = contextlib.AsyncExitStack()
        self._lock = asyncio.Lock()
        self.runnable: Coalescer[str, bool] = Coalescer(
            partial(self._run, outbox.runnable), default=False
        )
        self.completed: Coalescer[str, None] = Coalescer(
            partial(self._run, outbox.complete), default=None
        )

    async def _run(
        self,
        statement: Callable[[AsyncConnection, Sequence[str]], Awaitable[dict[str, V]]],
        job_ids: Sequence[str],
    ) -> dict[str, V]:
        async with self._lock:
            if self._connection is None:
                self._connection = await self._held.enter_async_context(
                    autocommit_engine(self._engine).connect()
                )
            try:
                return await statement(self._connection, job_ids)
            except Exception:
                await self._drop()
                raise

    async def _drop(self) -> None:
        self._connection = None
        with contextlib.suppress(Exception):
            await self._held.aclose()

    async def aclose(self) -> None:
        async with self._lock:
            await self._drop()


def _wrap(route: JobRoute[Any, Any], queue: Queue, default_max_tries: int, backoff_cap: int) -> Any:
    name = route.payload.job_name
    max_tries = route.max_tries or default_max_tries

    async def run(ctx: dict[str, Any], data: dict[str, Any]) -> None:
        resources: Resources = ctx["resources"]
        checks: OutboxChecks = ctx["outbox_checks"]
        job_id: str = ctx["job_id"]
        job_try: int = ctx["job_try"]
        outcome = "failed"
        started = time.perf_counter()
        with structlog.contextvars.bound_contextvars(
            job_id=job_id, job=name, queue=queue.value, job_try=job_try
        ):
            try:
                if not await checks.runnable.ask(job_id):
                    outcome = "skipped"
                    logger.info("job skipped: already completed or never committed")
                    return
                try:
                    payload = route.payload.model_validate(data)
                except ValidationError as error:
                    logger.error("job payload does not match its contract", error=str(error))
                    async with resources.unit_of_work() as session:
                        await outbox.mark_abandoned(session, job_id)
                    raise
                await route.handler(_context(ctx), payload)
                await checks.completed.ask(job_id)
                outcome = "succeeded"
            except (Retry, asyncio.CancelledError):
                outcome = "retried"
                raise
            except ValidationError:
                raise
            except Exception as error:
                if job_try >= max_tries:
                    logger.exception("job failed for good; the outbox sweeper will retry later")
                    raise
                outcome = "retried"
                delay = backoff_seconds(job_try, backoff_cap)
                logger.warning("job failed; retrying", error=repr(error), retry_in=delay)
                raise Retry(defer=delay) from error
            finally:
                JOBS.labels(queue.value, name, outcome).inc()
                JOB_DURATION.labels(queue.value, name).observe(time.perf_counter() - started)

    run.__qualname__ = run.__name__ = name.replace(".", "_")
    return func(run, name=name, max_tries=max_tries)


async def _sweep_outbox(ctx: JobContext[Any]) -> None:
    await outbox.sweep(ctx.resources)


async def oldest_due_job_age(redis: Redis, queue: Queue) -> float:
    """Seconds the oldest due job has waited. arq scores a queued job with the time (ms) it
    becomes due, so the lowest score at or before now is the one waiting longest; deferred
    jobs (retries with backoff) are not late and do not count."""
    now_ms = time.time() * 1000
    oldest = await redis.zrangebyscore(queue.value, "-inf", now_ms, start=0, num=1, withscores=True)
    return max(0.0, (now_ms - oldest[0][1]) / 1000) if oldest else 0.0


async def _monitor(resources: Resources, queue: Queue, interval: float) -> None:
    """Keep the queue gauges fresh (dashboards, alerts and autoscaling read them)."""
    while True:
        try:
            QUEUE_DEPTH.labels(queue.value).set(await resources.redis.zcard(queue.value))
            QUEUE_OLDEST_JOB_AGE.labels(queue.value).set(
                await oldest_due_job_age(resources.redis, queue)
            )
            OUTBOX_PENDING.set(await outbox.count_unfinished(resources))
        except Exception as error:
            logger.warning("queue monitor could not read", error=str(error))
        await asyncio.sleep(interval)


async def _watch_redis_marker(resources: Resources, interval: float) -> None:
    """Notice within ``interval`` seconds that Redis lost its data, and re-push the outbox then
    (the sweeper alone would wait for ``outbox_stale_after_seconds``)."""
    while True:
        try:
            await outbox.check_redis_marker(resources)
        except Exception as error:  # Redis or the database away: the next round tries again.
            logger.warning("redis marker check failed", error=repr(error))
        await asyncio.sleep(interval)


@dataclass(frozen=True)
class WorkerOptions:
    """A service's worker, fully configured: :meth:`create` builds it, ``worker --check`` reads
    its Redis settings and health key. Field names are :class:`ResilientWorker`'s arguments."""

    functions: list[Function]
    cron_jobs: list[CronJob]
    queue_name: str
    redis_settings: RedisSettings
    on_startup: Callable[[dict[str, Any]], Awaitable[None]]
    on_shutdown: Callable[[dict[str, Any]], Awaitable[None]]
    job_completion_wait: int
    max_tries: int
    max_jobs: int
    job_timeout: int
    health_check_interval: int
    health_check_key: str
    poll_delay: float
    keep_result: int
    # Read by ResilientWorker (not plain arq): Redis outages are waited out, not fatal.
    redis_url: str
    redis_connect_timeout_seconds: float
    redis_command_timeout_seconds: float
    redis_outage_backoff_max_seconds: float

    def create(self, **arq_options: Any) -> ResilientWorker:
        """The worker; ``arq_options`` (``burst``, ``handle_signals``...) go to arq as they are."""
        options = {option.name: getattr(self, option.name) for option in fields(self)}
        return ResilientWorker(
            job_serializer=serialize_job,
            job_deserializer=deserialize_job,
            **options,
            **arq_options,
        )


def worker_options(
    settings: PickeySettings,
    queue: Queue,
    *,
    open_service: Callable[[], S],
    routes: Sequence[JobRoute[S, Any]],
    periodic: Sequence[PeriodicJob[S]] = (),
) -> WorkerOptions:
    """The one way a service wires its worker: its queue, its typed resources (opened by
    ``open_service`` at start-up, closed at shutdown), the jobs it consumes and the periodic jobs
    it runs. Every worker also sweeps the outbox, watches Redis's marker and its queue's gauges."""
    config = settings.worker

    async def startup(ctx: dict[str, Any]) -> None:
        resources = await Resources.open(settings)
        ctx["resources"] = resources
        ctx["outbox_checks"] = OutboxChecks(resources.engine)
        if config.metrics_port:
            from prometheus_client import start_http_server

            ctx["metrics_server"] = start_http_server(config.metrics_port)
        ctx["service"] = open_service()
        ctx["monitor"] = asyncio.create_task(
            _monitor(resources, queue, config.health_check_interval_seconds)
        )
        ctx["marker_watch"] = asyncio.create_task(
            _watch_redis_marker(resources, config.redis_marker_check_seconds)
        )
        logger.info(
            "worker started",
            queue=queue.value,
            jobs=[route.payload.job_name for route in routes],
            completion_wait=config.job_completion_wait_seconds,
        )

    async def shutdown(ctx: dict[str, Any]) -> None:
        for name in ("monitor", "marker_watch"):
            task: asyncio.Task[None] | None = ctx.get(name)
            if task is not None:
                task.cancel()
        service: ServiceResources | None = ctx.get("service")
        if service is not None:
            await service.aclose()
        checks: OutboxChecks | None = ctx.get("outbox_checks")
        if checks is not None:
            await checks.aclose()
        resources: Resources | None = ctx.get("resources")
        if resources is not None:
            await resources.close()
        server = ctx.get("metrics_server")
        if server is not None:
            server[0].shutdown()
        logger.info("worker stopped", queue=queue.value)

    sweep: PeriodicJob[Any] = PeriodicJob(
        "outbox.sweep",
        _sweep_outbox,
        timeout=60,
        second=every_seconds(config.outbox_sweep_every_seconds),
    )
    return WorkerOptions(
        functions=[
            _wrap(route, queue, config.max_tries, config.retry_backoff_max_seconds)
            for route in routes
        ],
        cron_jobs=[_schedule(job) for job in (sweep, *periodic)],
        queue_name=queue.value,
        redis_settings=redis_settings(settings),
        on_startup=startup,
        on_shutdown=shutdown,
        job_completion_wait=config.job_completion_wait_seconds,
        max_tries=config.max_tries,
        max_jobs=config.max_jobs,
        job_timeout=config.job_timeout_seconds,
        health_check_interval=config.health_check_interval_seconds,
        health_check_key=health_check_key(queue),
        poll_delay=config.poll_delay_seconds,
        keep_result=3600,
        redis_url=settings.redis_url.unicode_string(),
        redis_connect_timeout_seconds=settings.redis_connect_timeout_seconds,
        redis_command_timeout_seconds=settings.redis_command_timeout_seconds,
        redis_outage_backoff_max_seconds=config.redis_outage_backoff_max_seconds,
    )
