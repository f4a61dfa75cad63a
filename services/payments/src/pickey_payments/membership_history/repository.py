"""What the history already says about one membership (read through its own index)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import MembershipEvent


async def last_monthly_amount(session: AsyncSession, membership_id: uuid.UUID) -> int | None:
    """The monthly price the membership's newest event recorded, if it has any event."""
    return await session.scalar(
        select(MembershipEvent.monthly_amount)
        .where(MembershipEvent.membership_id == membership_id)
        .order_by(MembershipEvent.id.desc())
        .limit(1)
    )


async def recurring_amount(session: AsyncSession, membership_id: uuid.UUID) -> int:
    """What the membership adds to MRR now: the sum of its events' deltas (a few per year)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(MembershipEvent.mrr_delta), 0)).where(
            MembershipEvent.membership_id == membership_id
        )
    )
    return int(total or 0)
