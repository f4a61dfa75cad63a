"""What the payment notices read besides rows by primary key."""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Payment, PaymentState


async def renews(session: AsyncSession, payment: Payment) -> bool:
    """Whether a paid membership payment extended a membership that an earlier payment had
    already paid for: the fan paid by hand when the card could no longer be charged (or paid
    twice), not a new member joining."""
    if payment.membership_id is None:
        return False
    earlier = await session.scalar(
        select(
            exists().where(
                Payment.membership_id == payment.membership_id,
                Payment.id != payment.id,
                Payment.state == PaymentState.PAID,
                Payment.created_at < payment.created_at,
            )
        )
    )
    return bool(earlier)
