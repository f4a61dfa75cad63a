"""A fan whose renewal needed authentication (PRCODE 85) pays by hand: a new membership checkout
on the membership they already hold. That is a renewal: the fan hears "renewed", the creator
gets no second "new member" notice or email."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from pickey_core.models import Payment, PaymentKind, PaymentState
from pickey_core.queue.contracts import AnnouncePayment
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from tests.notifications.helpers import enqueue, ledger, of
from tests.support.notification_events import paid
from tests.support.sandbox import MailgunSandbox
from tests.support.workers import drain


async def test_paying_by_hand_after_a_renewal_needed_authentication_is_a_renewal(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    s = await paid(resources, PaymentKind.MEMBERSHIP)
    await enqueue(resources, AnnouncePayment(payment_id=s["payment"].id))
    await drain(worker)
    async with resources.unit_of_work() as session:
        by_hand = Payment(
            kind=PaymentKind.MEMBERSHIP,
            state=PaymentState.PAID,
            fan_id=s["fan"].id,
            creator_id=s["payment"].creator_id,
            membership_id=s["membership"].id,
            tier_id=s["payment"].tier_id,
            amount=9900,
            currency="CZK",
            created_at=datetime.now(UTC) + timedelta(days=31),
            paid_at=datetime.now(UTC) + timedelta(days=31),
        )
        session.add(by_hand)
        await session.flush()

    await enqueue(resources, AnnouncePayment(payment_id=by_hand.id))
    await drain(worker)

    rows = await ledger(resources)
    creator_rows = of(rows, s["owner"].id)
    assert [row.kind for row in creator_rows] == ["new_member"]
    assert len(mailgun_sandbox.deliveries("creator@example.cz")) == 1
    fan_rows = {row.event_key: row for row in of(rows, s["fan"].id)}
    renewed = fan_rows[f"payment_succeeded:{by_hand.id}"]
    assert renewed.data["payment_kind"] == "renewal"
    first, second = mailgun_sandbox.deliveries("fan@example.cz")
    assert "You are a member" in first["text"]
    assert "is renewed" in second["text"]


async def test_a_first_membership_payment_is_still_a_new_member(
    resources: Resources, worker: WorkerOptions
) -> None:
    s = await paid(resources, PaymentKind.MEMBERSHIP)
    async with resources.unit_of_work() as session:
        # An earlier payment that failed does not make the first paid one a renewal.
        session.add(
            Payment(
                kind=PaymentKind.MEMBERSHIP,
                state=PaymentState.FAILED,
                fan_id=s["fan"].id,
                creator_id=s["payment"].creator_id,
                membership_id=s["membership"].id,
                tier_id=s["payment"].tier_id,
                amount=9900,
                currency="CZK",
                created_at=datetime.now(UTC) - timedelta(hours=1),
            )
        )

    await enqueue(resources, AnnouncePayment(payment_id=s["payment"].id))
    await drain(worker)

    [creator_row] = of(await ledger(resources), s["owner"].id)
    assert (creator_row.kind, creator_row.data["payment_kind"]) == ("new_member", "membership")
