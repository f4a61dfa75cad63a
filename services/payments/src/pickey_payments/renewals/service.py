"""Renewal rules: which memberships to charge, remind or lapse, and how one charge is made.
Flushes, never commits; :mod:`pickey_payments.renewals.tasks` draws the transaction lines.

Exactly one successful charge per membership and period:

1. **Claim** (committed before any call): the charge's key — membership, period end and attempt
   number — is unique on ``payments.renewal_key``. A claimed charge is a ``pending`` renewal
   payment with its own ORDERNUMBER and ``gateway_called_at`` set: for ``charge_lease_seconds``
   no other worker touches it (the due query skips memberships with a charge under way, and the
   claim re-checks under the membership's row lock).
2. **Call** the WS API. The ``messageId`` is derived from the key, so the gateway itself refuses
   a second request with it (fault 80), and the ORDERNUMBER cannot be paid twice (fault 14).
3. **Record** the answer through :mod:`pickey_payments.settlement.service`, in one transaction
   with the membership's new period or its dunning step.

A crash between 2 and 3 leaves the payment ``pending``. When its lease has run out, the next run
finds the same key and **asks the gateway** (``getPaymentStatus``) instead of charging: paid →
recorded; declined → dunning; unknown to the gateway (the call never arrived) → sent again with a
fresh ``messageId`` (the ORDERNUMBER still guards against a double charge); no answer → later.

A membership whose fan or creator deleted their account (GDPR erasure) is lapsed instead of
charged, without a notice.

The charge is ``processRegularSubscriptionPayment`` (a fixed monthly amount, what GP asks of
subscription merchants since PSD2) when the amount equals the master payment's, and
``processRecurringPayment`` with the amount when a tier change or a discount code made it
differ. A discount code keeps lowering the charge for its periods
(:func:`pickey_payments.discounts.service.apply_to_renewal`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.gpwebpay.codes import Outcome
from pickey_core.gpwebpay.http_api import CURRENCY_CODES
from pickey_core.gpwebpay.ws_client import WsError, WsFault, message_id_for
from pickey_core.models import (
    BillingInterval,
    Membership,
    MembershipStatus,
    Payment,
    PaymentKind,
    PaymentState,
    Tier,
)
from pickey_core.models.payments import UNSETTLED_STATES
from pickey_core.observability.metrics import PAYMENT_ANOMALIES
from pickey_core.providers.errors import ProviderError
from pickey_payments.billing_config import BillingConfig
from pickey_payments.checkout.repository import next_order_number
from pickey_payments.discounts import service as discounts
from pickey_payments.gateway import Gateway
from pickey_payments.memberships import dunning, notices
from pickey_payments.memberships import repository as memberships
from pickey_payments.plans.prices import price_of
from pickey_payments.renewals import repository
from pickey_payments.settlement import status
from pickey_payments.settlement.service import GatewayResult

logger = structlog.get_logger(__name__)

# Faults meaning "the gateway has seen this charge before": ask what became of it.
SEEN_BEFORE = frozenset({"14", "80"})


class Action(StrEnum):
    CHARGE = "charge"  # first send of this charge
    RESOLVE = "resolve"  # its outcome is in doubt: ask before anything else


@dataclass(frozen=True)
class Claim:
    payment_id: uuid.UUID
    action: Action
    order_number: str
    message_id: str
    amount: int
    currency: str
    master_order_number: str
    master_amount: int
    # A regular subscription payment is the fixed periodic amount; an upgrade's prorated
    # difference is never one, whatever its amount.
    periodic: bool = True


def renewal_key(membership: Membership) -> str:
    """Membership, the period end being renewed, and the attempt within that period."""
    assert membership.current_period_end is not None
    end = membership.current_period_end.strftime("%Y%m%dT%H%M%S.%fZ")
    return f"renewal:{membership.id}:{end}:{membership.renewal_failures}"


async def lapse_ended(session: AsyncSession, now: datetime, limit: int) -> int:
    ended = await repository.lock_ended(session, now, limit)
    for membership in ended:
        await dunning.lapse(session, membership, now)
    await session.flush()
    return len(ended)


async def remind_upcoming(
    session: AsyncSession, billing: BillingConfig, now: datetime, limit: int
) -> int:
    """Remind fans of the coming charge (``renewal_reminder_days`` ahead of a monthly one,
    ``yearly_reminder_days`` ahead of a yearly one), and of a free trial's end."""
    ahead = {
        BillingInterval.MONTH: timedelta(days=billing.renewal_reminder_days),
        BillingInterval.YEAR: timedelta(days=billing.yearly_reminder_days),
    }
    due = await repository.lock_to_remind(session, now, ahead, limit)
    for membership in due:
        membership.reminded_for_period_end = membership.current_period_end
        notices.send(
            session, membership, "trial_ending" if membership.trial else "renewal_upcoming"
        )
    await session.flush()
    return len(due)


async def claim_due(
    session: AsyncSession,
    billing: BillingConfig,
    now: datetime,
    skip: set[uuid.UUID],
) -> list[Claim]:
    """Lock a batch of due memberships and claim a charge for each; ``skip`` collects every
    membership looked at, so one run never loops on the same one."""
    lease = timedelta(seconds=billing.charge_lease_seconds)
    due = await repository.lock_due_for_charge(
        session, now, lease, skip, billing.renewal_batch_size
    )
    claims = []
    for membership in due:
        skip.add(membership.id)
        claim = await _claim(session, membership, billing, now, lease)
        if claim is not None:
            claims.append(claim)
    await session.flush()
    return claims


async def _claim(
    session: AsyncSession,
    membership: Membership,
    billing: BillingConfig,
    now: datetime,
    lease: timedelta,
) -> Claim | None:
    key = renewal_key(membership)
    payment = await repository.lock_renewal_payment(session, key)
    if payment is None and await memberships.account_deleted(
        session, membership.fan_id, membership.creator_id
    ):
        # A deleted fan is never charged again; a deleted creator has nothing left to renew.
        await dunning.lapse(session, membership, now, tell_fan=False)
        return None
    master = (
        await session.get(Payment, membership.master_payment_id)
        if membership.master_payment_id is not None
        else None
    )
    if master is None or master.state is not PaymentState.PAID:
        _hold_for_manual_payment(session, membership, billing)
        return None
    if payment is None:
        tier = await session.get(Tier, membership.next_tier_id or membership.tier_id)
        assert tier is not None
        payment = Payment(
            id=uuid.uuid4(),
            order_number=await next_order_number(session),
            kind=PaymentKind.RENEWAL,
            state=PaymentState.PENDING,
            fan_id=membership.fan_id,
            creator_id=membership.creator_id,
            membership_id=membership.id,
            tier_id=tier.id,
            master_payment_id=master.id,
            amount=price_of(tier, membership.billing_interval),
            currency=tier.currency,
            billing_interval=membership.billing_interval,
            renewal_key=key,
            period_start=membership.current_period_end,
            gateway_called_at=now,
        )
        session.add(payment)
        await session.flush()
        await discounts.apply_to_renewal(session, membership, tier, payment)
        return _claim_of(payment, master, Action.CHARGE, message_id_for(key))
    if payment.state not in UNSETTLED_STATES:
        logger.error("renewal already settled but membership still due", renewal_key=key)
        return None
    if payment.gateway_called_at is not None and payment.gateway_called_at > now - lease:
        return None  # another worker's charge is under way
    payment.gateway_called_at = now
    resend_id = message_id_for(f"{key}:resend:{now.isoformat()}")
    return _claim_of(payment, master, Action.RESOLVE, resend_id)


def _claim_of(payment: Payment, master: Payment, action: Action, message_id: str) -> Claim:
    return Claim(
        payment_id=payment.id,
        action=action,
        order_number=payment.order_number,
        message_id=message_id,
        amount=payment.amount,
        currency=payment.currency,
        master_order_number=master.order_number,
        master_amount=master.amount,
    )


def _hold_for_manual_payment(
    session: AsyncSession, membership: Membership, billing: BillingConfig
) -> None:
    """No paid master payment to charge against: only the fan can pay now."""
    assert membership.current_period_end is not None
    membership.status = MembershipStatus.PAST_DUE
    membership.requires_manual_payment = True
    membership.next_retry_at = membership.current_period_end + billing.grace
    notices.send(session, membership, "pay_by_hand")
    logger.warning("membership has no recurring master payment", membership_id=str(membership.id))


async def settle_claim(gateway: Gateway, claim: Claim) -> GatewayResult | None:
    """Make the claimed charge, or first ask what became of it; None when neither could tell
    (the payment stays in doubt and is looked at again after its lease)."""
    if claim.action is Action.RESOLVE:
        known = await status.ask(gateway, claim.order_number)
        if known is None or isinstance(known, GatewayResult):
            return known
        logger.info(
            "renewal charge never reached the gateway; sending it", order=claim.order_number
        )
    return await _charge(gateway, claim)


async def _charge(gateway: Gateway, claim: Claim) -> GatewayResult | None:
    try:
        if claim.periodic and claim.amount == claim.master_amount:
            await gateway.ws.process_regular_subscription_payment(
                claim.message_id,
                payment_number=claim.order_number,
                master_payment_number=claim.master_order_number,
                subscription_amount=claim.amount,
                capture=True,
            )
        else:
            await gateway.ws.process_recurring_payment(
                claim.message_id,
                payment_number=claim.order_number,
                master_payment_number=claim.master_order_number,
                amount=claim.amount,
                currency_code=CURRENCY_CODES[claim.currency],
                capture=True,
            )
    except WsFault as fault:
        return await _fault_result(gateway, claim, fault)
    except (ProviderError, WsError) as error:
        logger.warning("renewal charge answer lost", order=claim.order_number, error=str(error))
        return GatewayResult(Outcome.UNKNOWN, "charge", text=type(error).__name__)
    return GatewayResult(Outcome.PAID, "charge", "0", "0")


async def _fault_result(gateway: Gateway, claim: Claim, fault: WsFault) -> GatewayResult | None:
    if fault.primary in SEEN_BEFORE:
        known = await status.ask(gateway, claim.order_number)
        return known if isinstance(known, GatewayResult) else None
    outcome = fault.outcome
    if outcome in (Outcome.OUR_BUG, Outcome.CONFIGURATION_ERROR):
        # No money moved and it is not the fan's doing: keep it in doubt (alerted) rather than
        # start dunning; the charge is tried again after its lease, once the cause is fixed.
        PAYMENT_ANOMALIES.labels(outcome.value).inc()
        logger.error(
            "gateway refused our renewal charge", codes=f"{fault.primary}/{fault.secondary}"
        )
        outcome = Outcome.UNKNOWN
    return GatewayResult(outcome, "charge", fault.primary, fault.secondary)
