"""The transactional outbox: the one way any Pickey code enqueues a job.

1. :func:`enqueue` adds an ``outbox`` row in the caller's transaction (nothing touches Redis).
2. After the transaction commits, :func:`push_committed` pushes those rows to arq at once, with
   the outbox id as the arq job id, and stamps ``dispatched_at`` (the fast path).
3. :func:`sweep` (a cron job in every worker) pushes rows that were never dispatched (crash after
   commit, Redis down) and rows dispatched long ago whose job never completed (Redis lost its
   data). arq refuses a push while a job with that id still exists, so a re-push of a job that
   is only slow is harmless.
   Redis losing its data is also noticed within seconds: :func:`check_redis_marker` (run every
   few seconds by each worker) looks for a marker key that only a data loss (or a brand-new
   Redis) removes, and when it is gone re-pushes every unfinished row at once.
4. The consuming job marks the row completed (:func:`complete`); a job whose row is
   already completed, or does not exist (its transaction rolled back), is skipped
   (:func:`runnable`). Both take many ids: the worker asks for its concurrent jobs at once
   (:mod:`pickey_core.queue.coalesce`); the stamp of step 2 is one statement as well.

Do not call :func:`enqueue` inside a SAVEPOINT that may roll back on its own: the fast path
would push a job whose row is gone (the consumer then skips it, but it is wasted work).
"""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Protocol

import structlog
from sqlalchemy import ColumnElement, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from pickey_core.any_of import any_of
from pickey_core.database import autocommit_engine
from pickey_core.models import OutboxMessage
from pickey_core.observability.metrics import OUTBOX_REDIS_DATA_LOSS
from pickey_core.queue.batch_push import JobToPush, push_jobs
from pickey_core.queue.contracts import JobPayload

if TYPE_CHECKING:
    from arq.connections import ArqRedis

    from pickey_core.settings import PickeySettings


class OutboxResources(Protocol):
    """What the outbox needs of :class:`pickey_core.resources.Resources`. A protocol rather than
    an import, because ``Resources.unit_of_work`` calls :func:`push_committed`: importing it back
    would make the two modules a cycle."""

    @property
    def settings(self) -> PickeySettings: ...

    @property
    def engine(self) -> AsyncEngine: ...

    @property
    def sessions(self) -> async_sessionmaker[AsyncSession]: ...

    @property
    def redis(self) -> ArqRedis: ...


logger = structlog.get_logger(__name__)

_SESSION_KEY = "pickey.outbox"
COMPLETED_RETENTION = timedelta(days=7)
# Written once and never expiring (the queue Redis runs noeviction): its absence means this
# Redis lost what it held (a restart without AOF, a lost volume, a flush) or is brand new.
REDIS_MARKER_KEY = "pickey:outbox:redis-marker"


def enqueue(session: AsyncSession, payload: JobPayload) -> uuid.UUID:
    """Record ``payload`` for its queue in the caller's transaction; return the job id."""
    message = OutboxMessage(
        id=uuid.uuid4(),
        queue=payload.queue.value,
        job_name=payload.job_name,
        payload=payload.model_dump(mode="json"),
    )
    session.add(message)
    session.info.setdefault(_SESSION_KEY, []).append(message)
    return message.id


async def _push(redis: ArqRedis, messages: Sequence[OutboxMessage]) -> list[bool]:
    """Push the jobs in one round trip; for each, False when arq would have refused it because
    the job (or its result) is still in Redis."""
    return await push_jobs(
        redis,
        [
            JobToPush(str(message.id), message.job_name, message.payload, message.queue)
            for message in messages
        ],
    )


async def push_committed(resources: OutboxResources, session: AsyncSession) -> None:
    """Fast path: push what a just-committed transaction enqueued. Never raises: on failure the
    rows stay undispatched and the sweeper pushes them."""
    messages: list[OutboxMessage] = session.info.pop(_SESSION_KEY, [])
    if not messages:
        return
    pushed: list[uuid.UUID] = []
    try:
        await _push(resources.redis, messages)
        pushed = [message.id for message in messages]
    except Exception as error:  # Redis down: the sweeper will deliver.
        logger.warning("outbox push failed; left for the sweeper", error=str(error))
    if not pushed:
        return
    try:
        async with autocommit_engine(resources.engine).connect() as connection:
            await connection.execute(
                update(OutboxMessage)
                .where(_any_id(pushed))
                .values(
                    dispatched_at=datetime.now(UTC),
                    dispatch_count=OutboxMessage.dispatch_count + 1,
                )
            )
    except Exception as error:  # the jobs are in Redis; an unstamped row is only re-pushed.
        logger.warning("outbox stamp failed", error=str(error))


async def check_redis_marker(resources: OutboxResources) -> int:
    """Cheap check (one Redis command) for Redis data loss; when the marker is gone, put it back
    and re-push every unfinished row. Returns the rows pushed.

    ``SET NX`` makes exactly one worker of the deployment do the re-push; the others see the
    marker it wrote. A re-push of a job that survived is refused by arq and changes nothing.
    """
    if await resources.redis.exists(REDIS_MARKER_KEY):
        return 0
    if not await resources.redis.set(REDIS_MARKER_KEY, datetime.now(UTC).isoformat(), nx=True):
        return 0
    OUTBOX_REDIS_DATA_LOSS.inc()
    logger.warning("redis marker key missing: redis lost its data or is new; re-pushing the outbox")
    try:
        pushed = await sweep(resources, everything=True)
    except Exception:
        # Let the next check (this worker's or another's) try again.
        with contextlib.suppress(Exception):
            await resources.redis.delete(REDIS_MARKER_KEY)
        raise
    logger.warning("outbox re-pushed after redis data loss", count=pushed)
    return pushed


async def sweep(
    resources: OutboxResources, *, batch_size: int = 500, everything: bool = False
) -> int:
    """Slow path: push rows the fast path missed or whose job vanished. Returns rows pushed.

    ``everything``: push every unfinished row now, however recently it was pushed (after Redis
    lost its data), in as many batches as it takes.
    """
    if not everything:
        pushed, _ = await _sweep_batch(resources, batch_size, now=datetime.now(UTC))
        return pushed
    total = 0
    now = datetime.now(UTC)
    while True:
        # Rows stamped in an earlier batch carry dispatched_at == now and are not picked again.
        pushed, seen = await _sweep_batch(resources, batch_size, now=now, everything=True)
        total += pushed
        if seen < batch_size:
            return total


async def _sweep_batch(
    resources: OutboxResources, batch_size: int, *, now: datetime, everything: bool = False
) -> tuple[int, int]:
    """One batch of the sweep: (rows pushed, rows looked at)."""
    settings = resources.settings
    stale_before = (
        now if everything else now - timedelta(seconds=settings.outbox_stale_after_seconds)
    )
    unpushed_before = (
        now if everything else now - timedelta(seconds=settings.outbox_undispatched_grace_seconds)
    )
    pushed = 0
    async with resources.sessions() as session, session.begin():
        rows = (
            await session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.completed_at.is_(None),
                    OutboxMessage.abandoned_at.is_(None),
                    (
                        OutboxMessage.dispatched_at.is_(None)
                        & (OutboxMessage.created_at < unpushed_before)
                    )
                    | (OutboxMessage.dispatched_at < stale_before),
                )
                .order_by(OutboxMessage.created_at)
                .limit(batch_size)
                .with_for_update(skip_locked=True)
            )
        ).all()
        to_push: list[OutboxMessage] = []
        for message in rows:
            if message.dispatch_count >= settings.outbox_max_dispatches:
                message.abandoned_at = now
                logger.error(
                    "outbox message abandoned after too many dispatches",
                    outbox_id=str(message.id),
                    job=message.job_name,
                    dispatches=message.dispatch_count,
                )
                continue
            to_push.append(message)
        accepted = await _push(resources.redis, to_push)
        for message, was_accepted in zip(to_push, accepted, strict=True):
            # A refused push means the job is still queued or running (a backlog, a slow job):
            # it is not a new dispatch and does not count towards abandoning the row.
            if was_accepted:
                message.dispatch_count += 1
                pushed += 1
            message.dispatched_at = now
        await session.execute(
            delete(OutboxMessage).where(OutboxMessage.completed_at < now - COMPLETED_RETENTION)
        )
    if pushed:
        logger.info("outbox sweeper pushed jobs", count=pushed)
    return pushed, len(rows)


def _outbox_ids(job_ids: Sequence[str]) -> list[uuid.UUID]:
    """The job ids that can be outbox ids (arq's cron jobs and foreign jobs have others)."""
    ids = []
    for job_id in job_ids:
        with contextlib.suppress(ValueError):
            ids.append(uuid.UUID(job_id))
    return ids


def _any_id(ids: Sequence[uuid.UUID]) -> ColumnElement[bool]:
    return any_of(OutboxMessage.id, ids)


async def runnable(connection: AsyncConnection, job_ids: Sequence[str]) -> dict[str, bool]:
    """For each job id, whether its outbox row exists and is not completed (a job whose row
    is completed, or was never committed, has nothing to do). One statement; give it an
    autocommit connection (:func:`pickey_core.database.autocommit_engine`) and it is one round
    trip."""
    open_ids = (
        await connection.scalars(
            select(OutboxMessage.id).where(
                _any_id(_outbox_ids(job_ids)), OutboxMessage.completed_at.is_(None)
            )
        )
    ).all()
    return {str(outbox_id): True for outbox_id in open_ids}


async def complete(connection: AsyncConnection, job_ids: Sequence[str]) -> dict[str, None]:
    """Mark the rows of finished jobs completed: one statement, as :func:`runnable`."""
    await connection.execute(
        update(OutboxMessage)
        .where(_any_id(_outbox_ids(job_ids)), OutboxMessage.completed_at.is_(None))
        .values(completed_at=datetime.now(UTC))
    )
    return {}


async def count_unfinished(resources: OutboxResources) -> int:
    async with resources.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.completed_at.is_(None), OutboxMessage.abandoned_at.is_(None))
        )
    return int(count or 0)


async def mark_abandoned(session: AsyncSession, job_id: str) -> None:
    """Stop the sweeper pushing a job that can never succeed (its payload breaks the contract)."""
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == uuid.UUID(job_id))
        .values(abandoned_at=datetime.now(UTC))
    )
