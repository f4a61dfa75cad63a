"""Failed renewals: retry on a schedule, ask the fan to pay by hand, lapse.

After the n-th failed charge of a period the next one is due ``renewal_retry_days[n-1]`` days after
the period end; once those run out the membership lapses. A card that can no longer be charged
(recurring chain broken, PRCODE 33/34; the bank wants strong customer authentication, 85/86) is
not charged again: the fan is asked to pay by hand and the membership lapses when the grace
period (the last retry day) passes unpaid. Access continues while ``past_due``. Each step tells
the fan.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.gpwebpay.codes import Outcome
from pickey_core.models import Membership, MembershipEventKind, MembershipStatus, Payment
from pickey_core.models.memberships import HELD_STATUSES
from pickey_payments import membership_history
from pickey_payments.billing_config import BillingConfig
from pickey_payments.memberships import notices, repository

logger = structlog.get_logger(__name__)

MANUAL_PAYMENT_OUTCOMES = frozenset({Outcome.CHAIN_BROKEN, Outcome.SCA_REQUIRED})


async def renewal_failed(
    session: AsyncSession,
    payment: Payment,
    outcome: Outcome,
    billing: BillingConfig,
    now: datetime,
) -> None:
    """The renewal ``payment`` failed with ``outcome``: the membership's next step."""
    assert payment.membership_id is not None
    membership = await repository.lock(session, payment.membership_id)
    if membership is None or membership.status.value not in HELD_STATUSES:
        return
    if membership.current_period_end != payment.period_start:
        logger.info(
            "failed renewal for a period already settled; ignored", payment_id=str(payment.id)
        )
        return
    if membership.status is not MembershipStatus.PAST_DUE:
        membership.status = MembershipStatus.PAST_DUE
        await membership_history.record(session, membership, MembershipEventKind.PAST_DUE, now)
    period_end = membership.current_period_end
    assert period_end is not None
    if outcome in MANUAL_PAYMENT_OUTCOMES:
        membership.requires_manual_payment = True
        membership.next_retry_at = period_end + billing.grace
        notices.send(session, membership, "pay_by_hand", payment_id=payment.id)
        return
    membership.renewal_failures += 1
    days = billing.renewal_retry_days
    if membership.renewal_failures > len(days):
        await lapse(session, membership, now)
        return
    retry_at = max(now, period_end + timedelta(days=days[membership.renewal_failures - 1]))
    membership.next_retry_at = retry_at
    notices.send(session, membership, "renewal_failed", payment_id=payment.id, retry_at=retry_at)


async def lapse(
    session: AsyncSession, membership: Membership, now: datetime, *, tell_fan: bool = True
) -> None:
    """End the membership (unpaid, cancelled and its period over, or an account deleted), record
    it in the history and tell the fan (unless their account is gone)."""
    membership.status = MembershipStatus.LAPSED
    membership.next_retry_at = None
    await membership_history.record(session, membership, MembershipEventKind.LAPSED, now)
    if tell_fan:
        notices.send(session, membership, "membership_lapsed")
    logger.info("membership lapsed", membership_id=str(membership.id))
