"""The upgrade charge job: claim → commit → call → record, with the renewal charge's rules.

The claim stamps ``gateway_called_at`` and commits before the WS call. The first claim sends the
charge; any later one (a re-run job, a worker killed mid-call) first asks the gateway what became
of it (:func:`pickey_payments.renewals.service.settle_claim` with ``RESOLVE``), and sends it
again only when the gateway has never seen it — the ORDERNUMBER still guards against a double
charge. While another worker's charge is within its lease the job waits (arq ``Retry``); a
charge whose outcome nobody could tell is asked about again after the lease. Reconciliation also
asks about an upgrade left unsettled (:mod:`pickey_payments.reconciliation`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog
from arq import Retry
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.gpwebpay.ws_client import message_id_for
from pickey_core.models import Payment, PaymentKind
from pickey_core.models.payments import UNSETTLED_STATES
from pickey_core.queue.contracts import ChargeUpgrade
from pickey_payments.billing_config import BillingConfig
from pickey_payments.renewals.service import Action, Claim, settle_claim
from pickey_payments.settlement import service as settlement
from pickey_payments.worker_resources import PaymentsJobContext

logger = structlog.get_logger(__name__)


async def charge_upgrade(ctx: PaymentsJobContext, payload: ChargeUpgrade) -> None:
    gateway = ctx.service.gateway
    billing = ctx.service.settings.billing
    async with ctx.resources.unit_of_work() as session:
        claim = await claim_charge(session, payload, billing, datetime.now(UTC))
    if claim is None:
        return
    if isinstance(claim, float):
        raise Retry(defer=claim)
    result = await settle_claim(gateway, claim)
    if result is None:
        raise Retry(defer=billing.charge_lease_seconds)
    async with ctx.resources.unit_of_work() as session:
        await settlement.settle(session, claim.payment_id, result, billing)


async def claim_charge(
    session: AsyncSession, payload: ChargeUpgrade, billing: BillingConfig, now: datetime
) -> Claim | float | None:
    """The claim to act on; seconds to wait while another worker's charge is under way; None
    when the charge is settled already."""
    payment = await session.scalar(
        select(Payment)
        .where(Payment.id == payload.payment_id, Payment.kind == PaymentKind.UPGRADE.value)
        .with_for_update()
    )
    if payment is None or payment.state.value not in UNSETTLED_STATES:
        return None
    lease = timedelta(seconds=billing.charge_lease_seconds)
    if payment.gateway_called_at is not None and payment.gateway_called_at > now - lease:
        return (payment.gateway_called_at + lease - now).total_seconds()
    assert payment.renewal_key is not None
    assert payment.master_payment_id is not None
    master = await session.get(Payment, payment.master_payment_id)
    assert master is not None
    first = payment.gateway_called_at is None
    payment.gateway_called_at = now
    await session.flush()
    message_id = message_id_for(
        payment.renewal_key if first else f"{payment.renewal_key}:resend:{now.isoformat()}"
    )
    return Claim(
        payment_id=payment.id,
        action=Action.CHARGE if first else Action.RESOLVE,
        order_number=payment.order_number,
        message_id=message_id,
        amount=payment.amount,
        currency=payment.currency,
        master_order_number=master.order_number,
        master_amount=master.amount,
        periodic=False,
    )
