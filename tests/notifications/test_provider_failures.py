"""Provider trouble: a 429 storm and a 5xx outage end with everything delivered once; one
recipient Mailgun refuses fails alone; a long outage loses nothing (the delivery sweeper resumes
what the jobs gave up on)."""

from __future__ import annotations

import asyncio

import pytest

from pickey_core.models import Channel, DeliveryState
from pickey_core.queue.contracts import AnnounceNewPost
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_notifications.deliveries.attempts import Wait
from pickey_notifications.deliveries.dispatch import retry_delay
from pickey_notifications.deliveries.tasks import resume_stale_deliveries
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.worker import notifications_worker
from pickey_notifications.worker_resources import NotificationsWorkerResources
from tests.notifications.helpers import (
    copies_per_address,
    enqueue,
    ledger,
    one,
    states,
)
from tests.support.notification_deliveries import MEMBERS, assert_all_sent_once, members_and_post
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.workers import drain


async def test_a_429_storm_ends_with_everything_delivered_once(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    post_id, fans = await members_and_post(resources)
    mailgun_sandbox.fail_next(3, 429, retry_after_seconds=1)
    pusher_sandbox.fail_next(3, 429, retry_after_seconds=1)
    await enqueue(resources, AnnounceNewPost(post_id=post_id))

    await drain(worker)

    await assert_all_sent_once(resources, fans, mailgun_sandbox, pusher_sandbox)
    rows = await ledger(resources)
    # The refused calls were retried: the deliveries were claimed more than once.
    assert max(attempts for row in rows for _, attempts, _ in row.deliveries.values()) > 1
    assert pusher_sandbox.stats()["refused"] == 3


async def test_a_5xx_outage_ends_with_everything_delivered_once(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    post_id, fans = await members_and_post(resources)
    mailgun_sandbox.fail_next(4, 503)
    pusher_sandbox.fail_next(4, 500)
    await enqueue(resources, AnnounceNewPost(post_id=post_id))

    await drain(worker)

    await assert_all_sent_once(resources, fans, mailgun_sandbox, pusher_sandbox)


async def test_one_refused_recipient_fails_alone_and_the_batch_goes_out(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    post_id, fans = await members_and_post(resources, bad_address=True)
    await enqueue(resources, AnnounceNewPost(post_id=post_id))

    await drain(worker)

    rows = await ledger(resources)
    bad = one(rows, fans[-1])
    state, attempts, error = bad.deliveries[Channel.EMAIL]
    assert (state, attempts) == (DeliveryState.FAILED, 1)
    assert "400" in (error or "")
    assert states(bad)[Channel.REALTIME] is DeliveryState.SENT  # other channels unaffected
    good = fans[:-1]
    assert all(states(one(rows, fan))[Channel.EMAIL] is DeliveryState.SENT for fan in good)
    copies = copies_per_address(mailgun_sandbox.messages())
    assert len(copies) == MEMBERS
    assert set(copies.values()) == {1}


@pytest.fixture
def impatient(settings: NotificationsSettings) -> NotificationsSettings:
    """Jobs give up after two tries; the sweeper resumes deliveries untouched for a second."""
    return settings.model_copy(
        update={
            "worker": settings.worker.model_copy(update={"max_tries": 2}),
            "delivery": settings.delivery.model_copy(update={"resume_after_seconds": 1}),
        }
    )


async def test_a_long_outage_loses_nothing_and_the_sweeper_resumes_it(
    resources: Resources,
    impatient: NotificationsSettings,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    post_id, fans = await members_and_post(resources)
    mailgun_sandbox.fail_next(1_000, 503)
    pusher_sandbox.fail_next(1_000, 503)
    await enqueue(resources, AnnounceNewPost(post_id=post_id))

    await drain(notifications_worker(impatient))  # every job gives up

    rows = await ledger(resources)
    waiting = [state for row in rows for state, _, _ in row.deliveries.values()]
    assert set(waiting) == {DeliveryState.PENDING}  # waiting, none failed, none lost
    assert len(waiting) == 2 * MEMBERS + 1
    assert mailgun_sandbox.messages() == []

    mailgun_sandbox.clear_faults()
    pusher_sandbox.fail_next(0, 503)
    await asyncio.sleep(1.1)  # older than resume_after_seconds
    swept = await Resources.open(impatient)
    clients = NotificationsWorkerResources.open(impatient)
    try:
        assert await resume_stale_deliveries(swept, clients) == MEMBERS + 1
        assert await resume_stale_deliveries(swept, clients) == 0  # nothing left
    finally:
        await clients.aclose()
        await swept.close()

    await assert_all_sent_once(resources, fans, mailgun_sandbox, pusher_sandbox)


@pytest.mark.parametrize("retry_after", [0.0, 1.0, 30.0])
def test_a_retry_never_comes_before_the_providers_retry_after(retry_after: float) -> None:
    delays = [retry_delay(Wait(retry_after, "429"), job_try, 300) for job_try in range(1, 50)]

    assert min(delays) >= retry_after
    assert max(delays) <= retry_after + 1 + retry_after / 4
    assert len(set(delays)) > 1  # jittered


def test_without_retry_after_the_backoff_is_jittered_and_capped() -> None:
    delays = [retry_delay(Wait(None, "503"), 10, 5) for _ in range(50)]

    assert all(0.1 <= delay <= 5 for delay in delays)
    assert len(set(delays)) > 1
