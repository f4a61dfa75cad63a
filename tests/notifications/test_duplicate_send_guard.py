"""The duplicate-send guard counts what it refuses: deliveries a run asks to send after another
run claimed or sent them are not sent again, and
``pickey_notification_duplicate_sends_prevented_total`` grows by their number (the
``PickeyDuplicateSendsPrevented`` alert watches it: a steady rate means jobs run twice)."""

from __future__ import annotations

from collections.abc import Sequence

from prometheus_client import REGISTRY
from sqlalchemy import select

from pickey_core.models import Channel, DeliveryState, NotificationDelivery
from pickey_core.queue.contracts import AnnounceNewPost
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_notifications.deliveries.attempts import claim_and_send
from pickey_notifications.deliveries.repository import Unsettled
from tests.notifications.helpers import enqueue
from tests.support import factories
from tests.support.sandbox import MailgunSandbox
from tests.support.workers import drain


def prevented(provider: str) -> float:
    value = REGISTRY.get_sample_value(
        "pickey_notification_duplicate_sends_prevented_total", {"provider": provider}
    )
    return value or 0.0


async def sent_email_deliveries(resources: Resources) -> list[Unsettled]:
    async with resources.sessions() as session:
        rows = await session.execute(
            select(NotificationDelivery.id, NotificationDelivery.notification_id).where(
                NotificationDelivery.channel == Channel.EMAIL,
                NotificationDelivery.state == DeliveryState.SENT,
            )
        )
        return [
            Unsettled(
                id=delivery_id,
                channel=Channel.EMAIL,
                notification_id=notification_id,
                kind="new_post",
                data={},
                recipient_id=notification_id,
                email="fan@example.cz",
                locale="cs",
                display_name="Fan",
            )
            for delivery_id, notification_id in rows
        ]


async def test_a_second_run_for_sent_deliveries_is_refused_and_counted(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    async with resources.unit_of_work() as session:
        creator = await factories.creator(session)
        tier = await factories.tier(session, creator)
        for _ in range(3):
            fan = await factories.user(session)
            await factories.membership(session, fan, tier)
        post = await factories.post(session, creator)
    await enqueue(resources, AnnounceNewPost(post_id=post.id))
    await drain(worker)
    deliveries = await sent_email_deliveries(resources)
    assert len(deliveries) == 3
    calls = mailgun_sandbox.stats()["calls"]
    before = prevented("mailgun")
    sent: list[Sequence[Unsettled]] = []

    async def call(batch: Sequence[Unsettled]) -> str | None:
        sent.append(batch)
        return "never"

    wait = await claim_and_send(resources, deliveries, call, provider="mailgun", lease_seconds=60)

    assert wait is None
    assert sent == []
    assert mailgun_sandbox.stats()["calls"] == calls
    assert prevented("mailgun") - before == 3
