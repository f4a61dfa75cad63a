"""Offer notices: a paid gift's code e-mailed to the address the buyer gave (in the buyer's
language, once), and a creator told that a discount code expires soon."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from pickey_core.models import (
    Channel,
    DeliveryState,
    DiscountCode,
    DiscountKind,
    Gift,
    Payment,
    PaymentKind,
    PaymentState,
)
from pickey_core.queue.contracts import AnnounceGift, DiscountExpiring
from pickey_core.resources import Resources
from tests.notifications.helpers import enqueue, ledger, one, states
from tests.support import factories
from tests.support.sandbox import MailgunSandbox
from tests.support.workers import drain


async def a_gift(
    resources: Resources, locale: str, state: PaymentState = PaymentState.PAID
) -> Gift:
    async with resources.unit_of_work() as session:
        creator = await factories.creator(session, display_name="Gordíkey")
        tier = await factories.tier(session, creator, 9900, name="Na steaky")
        buyer = await factories.user(
            session, email="buyer@example.cz", display_name="Jana", locale=locale
        )
        payment = Payment(
            kind=PaymentKind.GIFT, state=state, fan_id=buyer.id, creator_id=creator.id,
            tier_id=tier.id, amount=29700, currency="CZK", paid_at=datetime.now(UTC),
        )  # fmt: skip
        session.add(payment)
        await session.flush()
        gift = Gift(
            payment_id=payment.id, purchaser_id=buyer.id, creator_id=creator.id,
            tier_id=tier.id, months=3, recipient_email="friend@example.cz",
            code="ABCDEFGHJKMNPQRS",
        )  # fmt: skip
        session.add(gift)
    return gift


async def test_a_paid_gift_emails_its_code_to_the_recipient_once(
    resources: Resources, worker: dict[str, Any], mailgun_sandbox: MailgunSandbox
) -> None:
    gift = await a_gift(resources, "cs")
    await enqueue(resources, AnnounceGift(gift_id=gift.id), AnnounceGift(gift_id=gift.id))

    await drain(worker)

    [row] = await ledger(resources)
    assert (row.recipient_id, row.kind, row.event_key) == (
        gift.purchaser_id,
        "gift_received",
        f"gift_received:{gift.id}",
    )
    assert row.in_app is False
    assert states(row) == {Channel.EMAIL: DeliveryState.SENT}
    [email] = mailgun_sandbox.deliveries("friend@example.cz")
    assert email["subject"] == "Jana vám daroval(a) členství u Gordíkey"
    assert "Váš kód: ABCDEFGHJKMNPQRS" in email["text"]
    assert "3 měsíce členství „Na steaky“" in email["text"]
    assert "/gifts/redeem?code=ABCDEFGHJKMNPQRS" in email["text"]
    assert mailgun_sandbox.deliveries("buyer@example.cz") == []


async def test_the_gift_email_is_in_the_buyers_language(
    resources: Resources, worker: dict[str, Any], mailgun_sandbox: MailgunSandbox
) -> None:
    gift = await a_gift(resources, "en")
    await enqueue(resources, AnnounceGift(gift_id=gift.id))

    await drain(worker)

    [email] = mailgun_sandbox.deliveries("friend@example.cz")
    assert email["subject"] == "Jana gave you a membership of Gordíkey"
    assert "3 months of the “Na steaky” membership" in email["text"]


async def test_an_unpaid_gift_sends_nothing(
    resources: Resources, worker: dict[str, Any], mailgun_sandbox: MailgunSandbox
) -> None:
    gift = await a_gift(resources, "cs", PaymentState.CREATED)
    await enqueue(resources, AnnounceGift(gift_id=gift.id), AnnounceGift(gift_id=uuid.uuid4()))

    await drain(worker)

    assert await ledger(resources) == []
    assert mailgun_sandbox.deliveries("friend@example.cz") == []


async def test_the_creator_hears_that_a_code_expires_soon(
    resources: Resources, worker: dict[str, Any], mailgun_sandbox: MailgunSandbox
) -> None:
    async with resources.unit_of_work() as session:
        owner = await factories.user(session, email="creator@example.cz", locale="en")
        creator = await factories.creator(session, owner)
        code = DiscountCode(
            creator_id=creator.id, code="LETO", kind=DiscountKind.PERCENT, percent_off=20,
            max_redemptions=50, redemptions_count=7,
            expires_at=datetime(2030, 8, 31, 20, 0, tzinfo=UTC),
        )  # fmt: skip
        disabled = DiscountCode(
            creator_id=creator.id, code="STARA", kind=DiscountKind.PERCENT, percent_off=5,
            expires_at=datetime.now(UTC) + timedelta(days=1), disabled_at=datetime.now(UTC),
        )  # fmt: skip
        session.add_all([code, disabled])
    await enqueue(
        resources,
        DiscountExpiring(discount_code_id=code.id),
        DiscountExpiring(discount_code_id=disabled.id),
    )

    await drain(worker)

    rows = await ledger(resources)
    row = one(rows, owner.id)
    assert len(rows) == 1
    assert (row.kind, row.event_key, row.in_app) == (
        "discount_expiring",
        f"discount_expiring:{code.id}",
        True,
    )
    [email] = mailgun_sandbox.deliveries("creator@example.cz")
    assert email["subject"] == "Discount code LETO expires soon"
    assert "7 of 50 fans have used it" in email["text"]
