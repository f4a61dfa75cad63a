"""The outbox: jobs are written with the state change, pushed after commit, re-pushed when lost,
and run once in effect however often they are delivered."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from pickey_core.models import DeliveryState, NotificationDelivery, OutboxMessage, User
from pickey_core.queue import outbox
from pickey_core.queue.contracts import Queue, SendWelcome
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_core.settings import PickeySettings
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.worker import notifications_worker
from tests.support.db import all_rows
from tests.support.processes import free_port
from tests.support.sandbox import MailgunSandbox
from tests.support.settings import TestEnvironment
from tests.support.workers import drain

FAST_SWEEP = {"outbox_stale_after_seconds": 0.2, "outbox_undispatched_grace_seconds": 0.2}


@pytest.fixture
def settings(test_env: TestEnvironment) -> NotificationsSettings:
    return test_env.notifications(**FAST_SWEEP)


@pytest.fixture
def worker(test_env: TestEnvironment) -> WorkerOptions:
    """The worker runs with production sweep timings, so only the test's own sweeps re-push."""
    return notifications_worker(test_env.notifications())


@pytest.fixture
async def resources(settings: NotificationsSettings, clean_state: None) -> Resources:
    opened = await Resources.open(settings)
    yield opened  # type: ignore[misc]
    await opened.close()


async def sign_up_user(
    resources: Resources, email: str = "fan@example.cz"
) -> tuple[User, uuid.UUID]:
    """What the api does: the user and the welcome job in one transaction."""
    async with resources.unit_of_work() as session:
        user = User(email=email, password_hash="x", display_name="Fan", locale="cs")
        session.add(user)
        await session.flush()
        job_id = outbox.enqueue(session, SendWelcome(user_id=user.id))
    return user, job_id


async def redeliver(resources: Resources, user_id: uuid.UUID, job_id: uuid.UUID) -> None:
    """Redis forgets everything, then the welcome job arrives (again) under ``job_id``."""
    await resources.redis.flushdb()
    await resources.redis.enqueue_job(
        SendWelcome.job_name,
        {"user_id": str(user_id)},
        _job_id=str(job_id),
        _queue_name=Queue.NOTIFICATIONS.value,
    )


async def test_rolled_back_transaction_enqueues_nothing(resources: Resources) -> None:
    async def failing_state_change() -> None:
        async with resources.unit_of_work() as session:
            outbox.enqueue(session, SendWelcome(user_id=uuid.uuid4()))
            raise RuntimeError("the state change failed")

    with pytest.raises(RuntimeError):
        await failing_state_change()

    assert await all_rows(resources, OutboxMessage) == []
    assert await resources.redis.zcard(Queue.NOTIFICATIONS.value) == 0


async def test_commit_pushes_the_job_with_the_outbox_id(resources: Resources) -> None:
    _, job_id = await sign_up_user(resources)

    assert await resources.redis.zscore(Queue.NOTIFICATIONS.value, str(job_id)) is not None
    [row] = await all_rows(resources, OutboxMessage)
    assert (row.id, row.dispatch_count) == (job_id, 1)


async def test_redis_emptied_after_commit_the_marker_check_redispatches_and_one_email_is_sent(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    await sign_up_user(resources)
    # A new Redis: the marker is written; the job is still queued, so arq refuses its re-push.
    assert await outbox.check_redis_marker(resources) == 0
    assert await resources.redis.exists(outbox.REDIS_MARKER_KEY)
    await resources.redis.flushdb()  # Redis lost its data after the commit and the push.

    # The job was still dispatched recently: the regular sweep leaves it alone for
    # outbox_stale_after_seconds; the marker check sees the loss and re-pushes it at once.
    assert await outbox.check_redis_marker(resources) == 1
    assert await outbox.check_redis_marker(resources) == 0
    await drain(worker)

    assert len(mailgun_sandbox.messages(to="fan@example.cz")) == 1
    [row] = await all_rows(resources, OutboxMessage)
    assert row.completed_at is not None
    assert row.dispatch_count == 2
    await resources.redis.flushdb()
    assert await outbox.check_redis_marker(resources) == 0  # completed rows are never pushed again
    await asyncio.sleep(FAST_SWEEP["outbox_stale_after_seconds"] + 0.1)
    assert await outbox.sweep(resources) == 0


async def test_push_failure_after_commit_is_recovered_by_the_sweeper(
    resources: Resources,
    settings: NotificationsSettings,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
) -> None:
    unreachable = settings.model_copy(
        update={
            "redis_url": PickeySettings(redis_url=f"redis://127.0.0.1:{free_port()}/0").redis_url
        }
    )
    producer = await Resources.open(unreachable)
    try:
        await sign_up_user(producer)  # commits; the push fails quietly
    finally:
        await producer.close()
    [row] = await all_rows(resources, OutboxMessage)
    assert row.dispatched_at is None
    assert await resources.redis.zcard(Queue.NOTIFICATIONS.value) == 0

    await asyncio.sleep(FAST_SWEEP["outbox_undispatched_grace_seconds"] + 0.1)
    assert await outbox.sweep(resources) == 1
    await drain(worker)

    assert len(mailgun_sandbox.messages(to="fan@example.cz")) == 1


async def test_the_sweeper_leaves_fresh_and_queued_jobs_alone(resources: Resources) -> None:
    await sign_up_user(resources)

    assert await outbox.sweep(resources) == 0  # just pushed: not stale yet
    for _ in range(3):
        await asyncio.sleep(FAST_SWEEP["outbox_stale_after_seconds"] + 0.1)
        # Stale, but the job still waits in Redis (a backlog): arq refuses a twin.
        assert await outbox.sweep(resources) == 0

    assert await resources.redis.zcard(Queue.NOTIFICATIONS.value) == 1
    [row] = await all_rows(resources, OutboxMessage)
    assert row.dispatch_count == 1  # refused pushes do not count towards abandoning it


async def test_a_job_delivered_twice_sends_one_email(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    user, job_id = await sign_up_user(resources)
    await drain(worker)
    assert len(mailgun_sandbox.messages()) == 1

    # Redelivered after completion (Redis lost the result, a sweeper raced): skipped.
    await redeliver(resources, user.id, job_id)
    await drain(worker)
    assert len(mailgun_sandbox.messages()) == 1

    # Redelivered after the email went out but before the job was marked completed (a crash
    # in between): the delivery ledger says "sent", so nothing is sent again.
    async with resources.unit_of_work() as session:
        row = await session.get(OutboxMessage, job_id)
        assert row is not None
        row.completed_at = None
    await redeliver(resources, user.id, job_id)
    await drain(worker)

    assert len(mailgun_sandbox.messages()) == 1
    [delivery] = await all_rows(resources, NotificationDelivery)
    assert (delivery.state, delivery.attempts) == (DeliveryState.SENT, 1)
    [row] = await all_rows(resources, OutboxMessage)
    assert row.completed_at is not None


async def test_a_job_never_committed_is_skipped(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    user, _ = await sign_up_user(resources)
    await redeliver(resources, user.id, uuid.uuid4())
    # Only the unknown job id is in question: Redis is not treated as having lost the real one.
    await resources.redis.set(outbox.REDIS_MARKER_KEY, "kept")

    await drain(worker)

    assert mailgun_sandbox.messages() == []


async def test_a_row_pushed_too_often_is_abandoned(resources: Resources) -> None:
    _, job_id = await sign_up_user(resources)
    async with resources.unit_of_work() as session:
        row = await session.get(OutboxMessage, job_id)
        assert row is not None
        row.dispatch_count = resources.settings.outbox_max_dispatches
    await resources.redis.flushdb()
    await asyncio.sleep(FAST_SWEEP["outbox_stale_after_seconds"] + 0.1)

    assert await outbox.sweep(resources) == 0

    [row] = await all_rows(resources, OutboxMessage)
    assert row.abandoned_at is not None
    assert await resources.redis.zcard(Queue.NOTIFICATIONS.value) == 0
