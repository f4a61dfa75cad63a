"""What a paid payment gives the fan, applied in the transaction that marks it paid.

- A membership payment (the first, or a fan paying by hand after failed renewals) gives one
  period. A fan with no held membership of the creator gets a new one starting now. A
  ``past_due`` one (failed renewals) runs one more period from its current end, on the paid tier,
  with this payment as the new master of recurring charges. An ``active`` one means the same
  thing was bought twice (two tabs, a superseded checkout paid anyway): nothing is extended — a
  double payment never becomes a 62-day membership — and the caller refunds the payment.
- A renewal extends its membership by one period from the current end (access continued through
  the retries, so nothing is given twice), switching to the tier the renewal charged (a tier
  change takes effect here).
- An upgrade switches the membership to the tier it paid the difference for, if the membership
  is still held and in the period the charge was for (:mod:`pickey_payments.tier_changes.upgrades`);
  otherwise nothing is switched and the caller refunds the charge.
- An unlock lets the fan read the post; a second paid unlock of the same post grants nothing
  and is refunded by the caller.
- A tip needs nothing more: the paid payment row is the tip.
- A gift's code is e-mailed to its recipient (:mod:`pickey_payments.gifts.service`); the months
  are given when it is redeemed.

Nothing is granted when the fan's account, or the creator's, was deleted (GDPR erasure) while
the fan was at the gateway: the money moved, so the payment stays paid, and the caller refunds
it. Each case is counted (``pickey_payment_anomalies_total``: ``paid_twice``,
``refund_deleted_account``).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import structlog
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    BillingInterval,
    Membership,
    MembershipEventKind,
    MembershipStatus,
    Payment,
    PaymentKind,
    PostUnlock,
)
from pickey_core.observability.metrics import PAYMENT_ANOMALIES
from pickey_payments import membership_history
from pickey_payments.billing_period import period_end
from pickey_payments.gifts import service as gifts
from pickey_payments.memberships import repository
from pickey_payments.tier_changes import upgrades

logger = structlog.get_logger(__name__)


class Granted(StrEnum):
    """What a paid payment gave; anything but ``YES`` means the money must go back."""

    YES = "yes"
    ALREADY_HELD = "already_held"  # the same membership or unlock was already paid for
    ACCOUNT_DELETED = "account_deleted"
    PERIOD_OVER = "period_over"  # an upgrade paid after its period ended or its membership lapsed


async def grant(session: AsyncSession, payment: Payment, now: datetime) -> Granted:
    """Apply what ``payment`` (just paid) gives."""
    if await repository.account_deleted(session, payment.fan_id, payment.creator_id):
        PAYMENT_ANOMALIES.labels("refund_deleted_account").inc()
        logger.warning("paid by or to a deleted account; refund it", payment_id=str(payment.id))
        return Granted.ACCOUNT_DELETED
    if payment.kind is PaymentKind.MEMBERSHIP:
        return await _membership(session, payment, now)
    if payment.kind is PaymentKind.RENEWAL:
        await _renewal(session, payment, now)
    elif payment.kind is PaymentKind.UNLOCK:
        return await _unlock(session, payment)
    elif payment.kind is PaymentKind.GIFT:
        await gifts.on_paid(session, payment)
    elif payment.kind is PaymentKind.UPGRADE:
        return (
            Granted.YES if await upgrades.apply_paid(session, payment, now) else Granted.PERIOD_OVER
        )
    return Granted.YES


async def _membership(session: AsyncSession, payment: Payment, now: datetime) -> Granted:
    assert payment.tier_id is not None
    await repository.serialize_fan_and_creator(session, payment.fan_id, payment.creator_id)
    membership = await repository.held(session, payment.fan_id, payment.creator_id, lock=True)
    if membership is None:
        membership = Membership(
            fan_id=payment.fan_id,
            creator_id=payment.creator_id,
            tier_id=payment.tier_id,
            status=MembershipStatus.ACTIVE,
            billing_interval=payment.billing_interval or BillingInterval.MONTH,
        )
        session.add(membership)
        await session.flush()
        start = now
        kind = MembershipEventKind.STARTED
    elif membership.status is MembershipStatus.ACTIVE and membership.trial:
        # Paying at (or before) the end of a free trial: the paid period starts when the trial
        # ends, so the trial's days are not lost.
        start = max(now, membership.current_period_end or now)
        membership.billing_interval = payment.billing_interval or BillingInterval.MONTH
        kind = MembershipEventKind.RENEWED  # the trial's start was the membership's start
    elif membership.status is MembershipStatus.ACTIVE:
        PAYMENT_ANOMALIES.labels("paid_twice").inc()
        logger.warning(
            "membership paid while already active; not extended, refund it",
            payment_id=str(payment.id),
            membership_id=str(membership.id),
        )
        return Granted.ALREADY_HELD
    else:
        start = membership.current_period_end or now
        membership.billing_interval = payment.billing_interval or BillingInterval.MONTH
        kind = MembershipEventKind.RENEWED
    _start_period(membership, start)
    membership.tier_id = payment.tier_id
    membership.master_payment_id = payment.id
    membership.cancel_at_period_end = False
    payment.membership_id = membership.id
    payment.period_start = start
    monthly = membership_history.monthly_of(payment.amount, membership.billing_interval)
    await membership_history.record(session, membership, kind, now, monthly_amount=monthly)
    return Granted.YES


async def _renewal(session: AsyncSession, payment: Payment, now: datetime) -> None:
    assert payment.membership_id is not None
    assert payment.tier_id is not None
    membership = await repository.lock(session, payment.membership_id)
    assert membership is not None
    # A renewal paid after its membership lapsed (an answer that came late) starts it again.
    kind = MembershipEventKind.RENEWED
    if membership.status is MembershipStatus.LAPSED or membership.current_period_end is None:
        start = now
        if membership.status is MembershipStatus.LAPSED:
            kind = MembershipEventKind.STARTED
    else:
        start = membership.current_period_end
    if start != payment.period_start:
        PAYMENT_ANOMALIES.labels("renewal_for_another_period").inc()
        logger.warning(
            "renewal paid for a period the membership no longer ends at; extended from its end",
            payment_id=str(payment.id),
            membership_id=str(membership.id),
        )
    _start_period(membership, start)
    if membership.tier_id != payment.tier_id:
        membership.tier_id = payment.tier_id
        if kind is MembershipEventKind.RENEWED:
            kind = MembershipEventKind.TIER_CHANGED
    if membership.next_tier_id == payment.tier_id:
        membership.next_tier_id = None
    monthly = membership_history.monthly_of(payment.amount, membership.billing_interval)
    await membership_history.record(session, membership, kind, now, monthly_amount=monthly)


def _start_period(membership: Membership, start: datetime) -> None:
    membership.status = MembershipStatus.ACTIVE
    membership.current_period_start = start
    membership.current_period_end = period_end(start, membership.billing_interval)
    membership.trial = False
    membership.renewal_failures = 0
    membership.next_retry_at = None
    membership.requires_manual_payment = False


async def _unlock(session: AsyncSession, payment: Payment) -> Granted:
    assert payment.post_id is not None
    inserted = await session.scalar(
        insert(PostUnlock)
        .values(user_id=payment.fan_id, post_id=payment.post_id, payment_id=payment.id)
        .on_conflict_do_nothing(index_elements=["user_id", "post_id"])
        .returning(PostUnlock.post_id)
    )
    if inserted is None:
        PAYMENT_ANOMALIES.labels("paid_twice").inc()
        logger.warning("post unlocked twice; refund the second payment", payment_id=str(payment.id))
        return Granted.ALREADY_HELD
    return Granted.YES
