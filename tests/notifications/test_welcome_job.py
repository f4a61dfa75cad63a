"""The welcome job against provider trouble: retried when transient, settled when permanent."""

from __future__ import annotations

import uuid

from pickey_core.models import DeliveryState, NotificationDelivery, OutboxMessage, User
from pickey_core.queue import outbox
from pickey_core.queue.contracts import SendWelcome
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from tests.support.db import all_rows
from tests.support.sandbox import MailgunSandbox
from tests.support.workers import drain


async def new_user(resources: Resources, *, deleted: bool = False) -> uuid.UUID:
    async with resources.unit_of_work() as session:
        user = User(email="fan@example.cz", password_hash="x", display_name="Fan", locale="en")
        session.add(user)
        await session.flush()
        if deleted:
            user.deleted_at = user.created_at
        outbox.enqueue(session, SendWelcome(user_id=user.id))
        return user.id


async def deliveries(resources: Resources) -> list[tuple[DeliveryState, int]]:
    return [(d.state, d.attempts) for d in await all_rows(resources, NotificationDelivery)]


async def test_provider_outage_is_retried_until_sent(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(2, 503)
    await new_user(resources)

    await drain(worker)

    assert await deliveries(resources) == [(DeliveryState.SENT, 3)]
    assert len(mailgun_sandbox.messages()) == 1


async def test_rate_limit_waits_and_then_sends(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(1, 429, retry_after_seconds=1)
    await new_user(resources)

    await drain(worker)

    assert await deliveries(resources) == [(DeliveryState.SENT, 2)]
    assert len(mailgun_sandbox.messages()) == 1


async def test_permanent_rejection_marks_the_delivery_failed_without_retrying(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(1, 400)
    await new_user(resources)

    await drain(worker)

    [delivery] = await all_rows(resources, NotificationDelivery)
    assert (delivery.state, delivery.attempts) == (DeliveryState.FAILED, 1)
    assert "400" in (delivery.last_error or "")
    assert mailgun_sandbox.messages() == []
    [job] = await all_rows(resources, OutboxMessage)
    assert job.completed_at is not None  # settled: nothing left to retry


async def test_deleted_user_gets_nothing(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    await new_user(resources, deleted=True)

    await drain(worker)

    assert await deliveries(resources) == []
    assert mailgun_sandbox.messages() == []
