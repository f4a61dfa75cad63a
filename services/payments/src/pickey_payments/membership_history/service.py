"""Recording a membership's state change in the append-only history. Flushes, never commits.

Every flow that changes a membership's state calls :func:`record` in the same transaction, after
changing the membership (first payment, renewal, failed renewal, cancel, resume, lapse, refund
that ends access; and the new flows: upgrades, trials, gifts). The event is stamped with the
time it is recorded, never an earlier one, so a month the analytics job has closed never
gains an event (a lapse found by the nightly job belongs to the night it was found).

**MRR contribution.** After the event a membership contributes its ``monthly_amount`` to MRR
when it is held (``active`` or ``past_due``) and will renew (not cancelled at period end);
otherwise 0. The event stores the difference from what the membership contributed before
(``mrr_delta``), so a creator's MRR at any instant is the sum of the deltas of every event
until then, and a month's MRR change the sum of the month's deltas.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    BillingInterval,
    CancellationReason,
    Membership,
    MembershipEvent,
    MembershipEventKind,
    Tier,
)
from pickey_core.models.memberships import HELD_STATUSES
from pickey_payments.ledger.split import round_half_up
from pickey_payments.membership_history import repository


def monthly_of(amount: int, interval: BillingInterval) -> int:
    """What a recurring charge of ``amount`` per ``interval`` is worth per month (a yearly
    charge divided by 12, rounded half up to the haléř)."""
    if interval is BillingInterval.YEAR:
        return round_half_up(amount, 12)
    return amount


def contributes_to_mrr(membership: Membership) -> bool:
    """A held membership that will renew counts in MRR (past-due ones too: they are retried)."""
    return membership.status.value in HELD_STATUSES and not membership.cancel_at_period_end


async def record(
    session: AsyncSession,
    membership: Membership,
    kind: MembershipEventKind,
    now: datetime,
    *,
    monthly_amount: int | None = None,
    reason: CancellationReason | None = None,
    reason_text: str | None = None,
) -> MembershipEvent:
    """Append ``kind`` for ``membership`` (already changed) at ``now``.

    ``monthly_amount`` is the membership's recurring price per month from now on, in minor
    units (a yearly price divided by 12, a discounted price...); None keeps the amount of its
    previous event, or the tier's price for a membership's first event.
    """
    tier = await session.get(Tier, membership.tier_id)
    assert tier is not None
    if monthly_amount is None:
        previous = await repository.last_monthly_amount(session, membership.id)
        monthly_amount = tier.price_amount if previous is None else previous
    before = await repository.recurring_amount(session, membership.id)
    after = monthly_amount if contributes_to_mrr(membership) else 0
    event = MembershipEvent(
        membership_id=membership.id,
        creator_id=membership.creator_id,
        fan_id=membership.fan_id,
        tier_id=membership.tier_id,
        kind=kind,
        monthly_amount=monthly_amount,
        mrr_delta=after - before,
        currency=tier.currency,
        reason=reason,
        reason_text=reason_text or None,
        occurred_at=now,
    )
    session.add(event)
    await session.flush()
    return event
