"""Reconciliation rules. Flushes, never commits.

GP webpay never calls us: a payment's result arrives only with the fan's browser. When it does
not (browser closed, PRCODE 1000, a lost renewal answer), we ask ``getPaymentStatus`` and apply
the answer through the same idempotent path as a return
(:mod:`pickey_payments.settlement.service`):

- paid / declined / cancelled at the gateway → settled so;
- still pending at the gateway, or unknown to it, ``abandon_after_seconds`` after the checkout was
  created (the gateway's result is final 60 minutes after the redirect) → cancelled as abandoned;
  earlier → asked again after ``recheck_every_seconds``;
- a renewal unknown to the gateway is left to the renewal job, which sends it again.

Payments are claimed by stamping ``checked_at`` under a SKIP LOCKED row lock before the gateway
is asked, so concurrent runs do not ask twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.gpwebpay.codes import Outcome
from pickey_core.models import PaymentKind
from pickey_payments.billing_config import BillingConfig
from pickey_payments.gateway import Gateway
from pickey_payments.reconciliation import repository
from pickey_payments.settlement import status
from pickey_payments.settlement.service import GatewayResult


@dataclass(frozen=True)
class Check:
    payment_id: uuid.UUID
    order_number: str
    is_renewal: bool
    created_at: datetime


async def claim(session: AsyncSession, billing: BillingConfig, now: datetime) -> list[Check]:
    due = await repository.lock_to_check(
        session,
        now,
        quiet_for=timedelta(seconds=billing.reconcile_after_seconds),
        recheck_every=timedelta(seconds=billing.recheck_every_seconds),
        lease=timedelta(seconds=billing.charge_lease_seconds),
        limit=billing.renewal_batch_size,
    )
    for payment in due:
        payment.checked_at = now
    await session.flush()
    return [Check(p.id, p.order_number, p.kind is PaymentKind.RENEWAL, p.created_at) for p in due]


async def ask(
    gateway: Gateway, check: Check, billing: BillingConfig, now: datetime
) -> GatewayResult | None:
    """What to record for ``check``, or None to leave it as it is for now."""
    known = await status.ask(gateway, check.order_number)
    if known is None:
        return None
    if isinstance(known, GatewayResult) and known.outcome is not Outcome.UNKNOWN:
        return known
    if check.is_renewal:
        return None
    if now - check.created_at < timedelta(seconds=billing.abandon_after_seconds):
        return None
    reason = (
        "abandoned: no result at the gateway"
        if known is status.NOT_FOUND
        else ("abandoned: still pending at the gateway")
    )
    return GatewayResult(Outcome.CANCELLED, "reconciliation", text=reason)
