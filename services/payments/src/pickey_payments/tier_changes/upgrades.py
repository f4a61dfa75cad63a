"""Upgrade now: the fan moves to a dearer tier at once and pays the prorated difference for the
rest of the current period (:mod:`pickey_payments.tier_changes.proration`). Flushes, never
commits.

1. **Start** (the request): an ``upgrade`` payment is written ``pending`` with its amount, the new
   tier and the period it is for, and a :class:`~pickey_core.queue.contracts.ChargeUpgrade` job
   goes into the outbox in the same transaction. The membership is not touched yet.
2. **Charge** (:mod:`pickey_payments.renewals.upgrade_charges`): the renewal charge's machinery
   (:mod:`pickey_payments.renewals.service`) — claim committed before the WS call
   (``processRecurringPayment`` against the master payment, the amount given), ``messageId``
   derived from the payment, a lease, and ask-first (``getPaymentStatus``) whenever a charge may
   already have been sent. A lost answer is reconciled, never blindly sent again.
3. **Settle** through :mod:`pickey_payments.settlement.service` like every payment: booked in the
   ledger, receipt issued, then :func:`apply_paid` switches the tier — only if the membership is
   still held and still in the period the charge was for; otherwise the charge is refunded.

A declined charge leaves the old tier (the payment is ``failed``; nothing else changes). A
cheaper or equally priced tier is not an upgrade: ``change-tier`` schedules it for the renewal.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import Conflict
from pickey_core.models import (
    Membership,
    MembershipEventKind,
    MembershipStatus,
    Payment,
    PaymentKind,
    PaymentState,
    Tier,
    User,
)
from pickey_core.models.memberships import HELD_STATUSES
from pickey_core.models.payments import UNSETTLED_STATES
from pickey_core.queue.contracts import ChargeUpgrade
from pickey_core.queue.outbox import enqueue
from pickey_payments import membership_history
from pickey_payments.checkout.repository import next_order_number
from pickey_payments.errors import TierArchived, TierNotFound
from pickey_payments.memberships import repository as memberships
from pickey_payments.memberships.service import own_held
from pickey_payments.plans.prices import price_of
from pickey_payments.tier_changes.proration import prorated_difference


class NotAnUpgrade(Conflict):
    code = "not_an_upgrade"


class UpgradeNotPossible(Conflict):
    code = "upgrade_not_possible"


class UpgradeInProgress(Conflict):
    code = "upgrade_in_progress"


UPGRADE_ERRORS = (TierNotFound, TierArchived, NotAnUpgrade, UpgradeNotPossible, UpgradeInProgress)


def upgrade_key(payment_id: uuid.UUID) -> str:
    """The charge's key (unique on ``payments.renewal_key``; the WS ``messageId`` derives from
    it, so the gateway refuses a second request with it)."""
    return f"upgrade:{payment_id}"


async def start(
    session: AsyncSession, fan: User, membership_id: uuid.UUID, tier_id: uuid.UUID, now: datetime
) -> Payment:
    """Write the pending upgrade charge and enqueue it; refuse what cannot be upgraded now."""
    membership = await own_held(session, fan, membership_id)
    tier = await session.get(Tier, tier_id)
    if tier is None or tier.creator_id != membership.creator_id:
        raise TierNotFound("No such tier of this creator.")
    if tier.archived_at is not None:
        raise TierArchived("This tier takes no new members; pick another one.")
    master = await _chargeable_master(session, membership)
    current = await session.get(Tier, membership.tier_id)
    assert current is not None
    if tier.id == current.id or tier.currency != current.currency:
        raise NotAnUpgrade("Pick a dearer tier of this creator, priced in the same currency.")
    start_at, end_at = membership.current_period_start, membership.current_period_end
    assert start_at is not None
    assert end_at is not None
    amount = prorated_difference(
        price_of(current, membership.billing_interval),
        price_of(tier, membership.billing_interval),
        now,
        start_at,
        end_at,
    )
    if amount <= 0:
        raise NotAnUpgrade(
            "This tier costs no more than yours (or the period is over): change tier instead, "
            "from the next renewal on."
        )
    if await _upgrade_unsettled(session, membership.id):
        raise UpgradeInProgress("An upgrade of this membership is being charged; wait for it.")
    payment_id = uuid.uuid4()
    payment = Payment(
        id=payment_id,
        order_number=await next_order_number(session),
        kind=PaymentKind.UPGRADE,
        state=PaymentState.PENDING,
        fan_id=membership.fan_id,
        creator_id=membership.creator_id,
        membership_id=membership.id,
        tier_id=tier.id,
        master_payment_id=master.id,
        amount=amount,
        currency=tier.currency,
        renewal_key=upgrade_key(payment_id),
        period_start=start_at,
    )
    session.add(payment)
    await session.flush()
    enqueue(session, ChargeUpgrade(payment_id=payment.id))
    return payment


async def _chargeable_master(session: AsyncSession, membership: Membership) -> Payment:
    """Only an active, paid-for membership with a card on file can be charged now."""
    master = (
        await session.get(Payment, membership.master_payment_id)
        if membership.master_payment_id is not None
        else None
    )
    if (
        membership.status is not MembershipStatus.ACTIVE
        or membership.trial
        or membership.requires_manual_payment
        or master is None
        or master.state is not PaymentState.PAID
    ):
        raise UpgradeNotPossible(
            "This membership has no card that can be charged now (a trial, or a payment is "
            "overdue): pay for it first, then upgrade."
        )
    return master


async def _upgrade_unsettled(session: AsyncSession, membership_id: uuid.UUID) -> bool:
    return bool(
        await session.scalar(
            select(
                exists().where(
                    Payment.membership_id == membership_id,
                    Payment.kind == PaymentKind.UPGRADE.value,
                    Payment.state.in_(UNSETTLED_STATES),
                )
            )
        )
    )


async def apply_paid(session: AsyncSession, payment: Payment, now: datetime) -> bool:
    """Switch the membership to the paid tier; False when it no longer can be (lapsed, or a
    renewal started a new period since), and the caller refunds the charge."""
    assert payment.membership_id is not None
    assert payment.tier_id is not None
    membership = await memberships.lock(session, payment.membership_id)
    if (
        membership is None
        or membership.status.value not in HELD_STATUSES
        or membership.current_period_start != payment.period_start
    ):
        return False
    membership.tier_id = payment.tier_id
    membership.next_tier_id = None
    tier = await session.get(Tier, payment.tier_id)
    assert tier is not None
    monthly = membership_history.monthly_of(
        price_of(tier, membership.billing_interval), membership.billing_interval
    )
    await membership_history.record(
        session, membership, MembershipEventKind.TIER_CHANGED, now, monthly_amount=monthly
    )
    return True
