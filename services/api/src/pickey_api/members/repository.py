"""Members of one creator, newest first, read from the index that matches the filters.

Each filter combination has its index on ``memberships`` (creator; creator+status;
creator+tier; creator+tier+status, each then ``created_at, id``), so a page reads O(page) rows
whatever the number of members. Lifetime paid is then read for the page's fans only.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import Row, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.email_sharing import shared_email_column
from pickey_core.models import (
    Membership,
    MembershipStatus,
    Payment,
    PaymentState,
    Refund,
    RefundState,
    Tier,
    User,
)
from pickey_core.pagination import after_key

Before = tuple[datetime, uuid.UUID]


def page_query(
    creator_id: uuid.UUID,
    *,
    status: MembershipStatus | None,
    tier_id: uuid.UUID | None,
    before: Before | None,
    limit: int,
) -> Select[Any]:
    M = Membership
    query = (
        select(
            M.id,
            M.fan_id,
            User.display_name,
            shared_email_column(),
            M.tier_id,
            Tier.name.label("tier_name"),
            M.status,
            M.cancel_at_period_end,
            M.created_at,
            M.current_period_end,
            Tier.currency,
        )
        .join(User, User.id == M.fan_id)
        .join(Tier, Tier.id == M.tier_id)
        .where(M.creator_id == creator_id)
        .order_by(M.created_at.desc(), M.id.desc())
        .limit(limit)
    )
    if status is not None:
        query = query.where(M.status == status)
    if tier_id is not None:
        query = query.where(M.tier_id == tier_id)
    if before is not None:
        query = query.where(after_key((M.created_at, M.id), before))
    return query


async def page(
    session: AsyncSession,
    creator_id: uuid.UUID,
    *,
    status: MembershipStatus | None,
    tier_id: uuid.UUID | None,
    before: Before | None,
    limit: int,
) -> list[Row[Any]]:
    query = page_query(creator_id, status=status, tier_id=tier_id, before=before, limit=limit)
    return list((await session.execute(query)).all())


async def lifetime_paid(
    session: AsyncSession, creator_id: uuid.UUID, fan_ids: list[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """What each fan paid the creator (every paid payment: memberships, tips, unlocks) minus
    what was refunded or is being refunded (refunds that did not fail), in minor units."""
    if not fan_ids:
        return {}
    paid = await session.execute(
        select(Payment.fan_id, func.sum(Payment.amount))
        .where(
            Payment.fan_id.in_(fan_ids),
            Payment.creator_id == creator_id,
            Payment.state == PaymentState.PAID,
        )
        .group_by(Payment.fan_id)
    )
    totals = {fan: int(amount) for fan, amount in paid}
    refunded = await session.execute(
        select(Payment.fan_id, func.sum(Refund.amount))
        .join(Payment, Payment.id == Refund.payment_id)
        .where(
            Payment.fan_id.in_(fan_ids),
            Refund.creator_id == creator_id,
            Refund.state != RefundState.FAILED,
        )
        .group_by(Payment.fan_id)
    )
    for fan, amount in refunded:
        totals[fan] = totals.get(fan, 0) - int(amount)
    return totals
