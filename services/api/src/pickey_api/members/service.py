"""Members pages: one keyset page of memberships, then lifetime paid for the page's fans."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.members import repository
from pickey_api.members.repository import Before
from pickey_api.members.schemas import MemberRead
from pickey_core.models import MembershipStatus
from pickey_core.models.memberships import HELD_STATUSES


async def page(
    session: AsyncSession,
    creator_id: uuid.UUID,
    *,
    status: MembershipStatus | None,
    tier_id: uuid.UUID | None,
    before: Before | None,
    limit: int,
) -> list[MemberRead]:
    rows = await repository.page(
        session, creator_id, status=status, tier_id=tier_id, before=before, limit=limit
    )
    paid = await repository.lifetime_paid(session, creator_id, list({row.fan_id for row in rows}))
    return [
        MemberRead(
            membership_id=row.id,
            fan_id=row.fan_id,
            display_name=row.display_name,
            email=row.shared_email,
            tier_id=row.tier_id,
            tier_name=row.tier_name,
            status=row.status,
            cancel_at_period_end=row.cancel_at_period_end,
            since=row.created_at,
            next_renewal_at=(
                row.current_period_end
                if row.status.value in HELD_STATUSES and not row.cancel_at_period_end
                else None
            ),
            lifetime_paid=paid.get(row.fan_id, 0),
            currency=row.currency,
        )
        for row in rows
    ]
