"""The window the ledger used to leave, closed: a worker killed after Mailgun accepted a batch
and before the deliveries were marked sent. The real worker process (its entry point) is killed
with SIGKILL while its call is in flight; the sandbox still accepts the call. Once the lease
lapses, recovery asks Mailgun's events API about the call (its ``v:delivery-batch`` reference)
instead of sending again: each recipient has exactly one copy, however often recovery runs."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pickey_core.models import Channel, DeliveryState, NotificationDelivery
from pickey_core.queue.contracts import AnnounceNewPost
from pickey_core.resources import Resources
from pickey_notifications.deliveries.tasks import resume_stale_deliveries
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.worker_resources import NotificationsWorkerResources
from tests.notifications.helpers import copies_per_address, enqueue, ledger
from tests.support import factories
from tests.support.processes import running_all, worker
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.settings import TestEnvironment

pytestmark = pytest.mark.e2e

MEMBERS = ["a@example.cz", "b@example.cz", "c@example.cz"]
LEASE_SECONDS = 7
TIMING = {
    # Mailgun answers after 1.5 s (the sandbox's delay); the client waits up to 3 s for it.
    "PICKEY_MAILGUN__TIMEOUT_SECONDS": "3",
    "PICKEY_PUSHER__TIMEOUT_SECONDS": "1",
    "PICKEY_DELIVERY__LEASE_SECONDS": str(LEASE_SECONDS),
}


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.05)


async def email_states(resources: Resources) -> list[DeliveryState]:
    async with resources.sessions() as session:
        rows = await session.scalars(
            select(NotificationDelivery.state).where(NotificationDelivery.channel == Channel.EMAIL)
        )
        return list(rows)


async def leases_lapsed(resources: Resources) -> bool:
    async with resources.sessions() as session:
        waiting = await session.scalar(
            select(func.count()).where(
                NotificationDelivery.state == DeliveryState.SENDING,
                NotificationDelivery.lease_expires_at >= func.now(),
            )
        )
    return waiting == 0


async def test_a_kill_after_the_provider_accepted_is_asked_about_and_never_resent(
    test_env: TestEnvironment,
    settings: NotificationsSettings,
    resources: Resources,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
    tmp_path: Path,
) -> None:
    async with resources.unit_of_work() as session:
        creator = await factories.creator(session)
        tier = await factories.tier(session, creator)
        for address in MEMBERS:
            await factories.membership(session, await factories.user(session, email=address), tier)
        post = await factories.post(session, creator)
    mailgun_sandbox.delay(1.5)
    env = {**test_env.variables(), **TIMING}

    with running_all([worker("notifications")], env=env, log_dir=tmp_path) as processes:
        await enqueue(resources, AnnounceNewPost(post_id=post.id))
        # The batch was claimed and committed, the call reached Mailgun, and Mailgun has not
        # answered yet (its 1.5 s delay): kill.
        await until(lambda: _received(mailgun_sandbox))
        assert set(await email_states(resources)) == {DeliveryState.SENDING}
        processes["notifications-worker"].signal(signal.SIGKILL)
        processes["notifications-worker"].wait(timeout=10)

    # The sandbox finishes the call it received: the provider accepted, nobody recorded it.
    await until(lambda: _stored(mailgun_sandbox))
    mailgun_sandbox.clear_faults()
    assert set(await email_states(resources)) == {DeliveryState.SENDING}

    # Recovery, as often as it likes: the delivery sweeper (or the job's retry) after the lease.
    recovering = settings.model_copy(
        update={
            "delivery": settings.delivery.model_copy(
                update={"resume_after_seconds": 1, "ask_after_seconds": 1}
            )
        }
    )
    swept = await Resources.open(recovering)
    clients = NotificationsWorkerResources.open(recovering)
    try:
        await until(lambda: leases_lapsed(resources), timeout=LEASE_SECONDS + 10)
        await asyncio.sleep(1.1)  # untouched for resume_after_seconds
        for _ in range(3):
            await resume_stale_deliveries(swept, clients)
    finally:
        await clients.aclose()
        await swept.close()

    copies = copies_per_address(mailgun_sandbox.messages())
    assert {address: copies[address] for address in MEMBERS} == dict.fromkeys(MEMBERS, 1)
    assert mailgun_sandbox.stats()["calls"] == 1  # asked, not sent again
    rows = await ledger(resources)
    emails = [row.deliveries[Channel.EMAIL] for row in rows if Channel.EMAIL in row.deliveries]
    assert [(state, attempts) for state, attempts, _ in emails] == [(DeliveryState.SENT, 2)] * 3
    # Realtime was not in flight when the process died, or it was: at most one extra either way.
    per_channel = [event["channel"] for event in pusher_sandbox.events()]
    assert all(per_channel.count(channel) <= 2 for channel in per_channel)
    assert all(
        state is DeliveryState.SENT for row in rows for state, _, _ in row.deliveries.values()
    )


async def _received(mailgun: MailgunSandbox) -> bool:
    return await asyncio.to_thread(lambda: mailgun.stats()["received"] >= 1)


async def _stored(mailgun: MailgunSandbox) -> bool:
    return await asyncio.to_thread(lambda: len(mailgun.messages()) == 1)
