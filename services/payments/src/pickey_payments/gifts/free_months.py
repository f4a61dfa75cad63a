"""Free months on a membership, for a redeemed gift or a creator's comp: no payment, no ledger.

Decided: a fan who already holds a membership of the creator (active or past due) has it
**extended** by the months, from its current end (or from now, if a past-due one already ended),
on the tier they hold (the gift's tier does not replace a tier they pay for); its dunning is
cleared, and a recurring card is next charged at the new end. A fan with no held membership gets
a new one of the gift's tier, from now, set to end after the months (``cancel_at_period_end``:
the renewal job lapses it then, with no charge and no card). The fan may resume it; with no
card on file the renewal then asks them to pay by hand (a membership checkout).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    GrantKind,
    Membership,
    MembershipEventKind,
    MembershipGrant,
    MembershipStatus,
)
from pickey_payments import membership_history
from pickey_payments.billing_period import add_month
from pickey_payments.memberships import repository as memberships


def add_months(start: datetime, months: int) -> datetime:
    end = start
    for _ in range(months):
        end = add_month(end)
    return end


async def give(
    session: AsyncSession,
    *,
    fan_id: uuid.UUID,
    creator_id: uuid.UUID,
    tier_id: uuid.UUID,
    months: int,
    kind: GrantKind,
    now: datetime,
    gift_id: uuid.UUID | None = None,
) -> MembershipGrant:
    await memberships.serialize_fan_and_creator(session, fan_id, creator_id)
    membership = await memberships.held(session, fan_id, creator_id, lock=True)
    before = None
    if membership is None:
        membership = Membership(
            id=uuid.uuid4(),
            fan_id=fan_id,
            creator_id=creator_id,
            tier_id=tier_id,
            status=MembershipStatus.ACTIVE,
            current_period_start=now,
            current_period_end=add_months(now, months),
            cancel_at_period_end=True,
        )
        session.add(membership)
        await session.flush()
        # Free months are a membership but no recurring income: nothing is added to MRR.
        await membership_history.record(
            session, membership, MembershipEventKind.STARTED, now, monthly_amount=0
        )
    else:
        before = membership.current_period_end
        start = max(before, now) if before is not None else now
        membership.current_period_end = add_months(start, months)
        membership.status = MembershipStatus.ACTIVE
        membership.renewal_failures = 0
        membership.next_retry_at = None
    assert membership.current_period_end is not None
    grant = MembershipGrant(
        id=uuid.uuid4(),
        membership_id=membership.id,
        creator_id=creator_id,
        fan_id=fan_id,
        tier_id=membership.tier_id,
        kind=kind,
        gift_id=gift_id,
        months=months,
        period_end_before=before,
        period_end_after=membership.current_period_end,
    )
    session.add(grant)
    await session.flush()
    await session.refresh(grant)
    return grant
