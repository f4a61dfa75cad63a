"""Payment events as the payments service announces them, for the notifications worker's tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pickey_core.models import (
    Channel,
    DeliveryState,
    Payment,
    PaymentKind,
    PaymentState,
    PostAccess,
)
from pickey_core.resources import Resources
from tests.support import factories

SENT_EVERYWHERE = {Channel.EMAIL: DeliveryState.SENT, Channel.REALTIME: DeliveryState.SENT}


async def paid(resources: Resources, kind: PaymentKind, **fields: Any) -> dict[str, Any]:
    """A paid payment of ``kind`` from a fan (en) to a creator (cs), with its rows."""
    async with resources.unit_of_work() as session:
        owner = await factories.user(session, email="creator@example.cz")
        creator = await factories.creator(session, owner, display_name="Gordíkey")
        tier = await factories.tier(session, creator, 9900, name="Na steaky")
        fan = await factories.user(
            session, email="fan@example.cz", display_name="Petr", locale="en"
        )
        membership = await factories.membership(session, fan, tier)
        post = await factories.post(session, creator, access=PostAccess.PAID, title="Bone map")
        payment = Payment(
            kind=kind,
            state=fields.pop("state", PaymentState.PAID),
            fan_id=fan.id,
            creator_id=creator.id,
            membership_id=membership.id
            if kind in (PaymentKind.MEMBERSHIP, PaymentKind.RENEWAL)
            else None,
            tier_id=tier.id if kind in (PaymentKind.MEMBERSHIP, PaymentKind.RENEWAL) else None,
            post_id=post.id if kind is PaymentKind.UNLOCK else None,
            amount=fields.pop("amount", 9900),
            currency="CZK",
            paid_at=datetime.now(UTC),
            receipt_number=f"R2026-{uuid.uuid4().int % 10**6:06d}",
        )
        session.add(payment)
        await session.flush()
    return {"owner": owner, "fan": fan, "payment": payment, "membership": membership}
