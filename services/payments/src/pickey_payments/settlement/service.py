"""Apply a gateway outcome to a payment, once, and only forwards.

States move ``created``/``pending``/``unknown`` → ``paid`` | ``failed`` | ``cancelled`` and never
back or sideways. The same outcome arriving again (a refreshed return page, a status question
after the return) changes nothing. A different final outcome for a settled payment is logged and
counted as an anomaly and never applied as it arrives — with one exception, because the gateway
is the authority on whether money moved:

- a *paid* result for a ``failed`` or ``cancelled`` payment (an earlier decline or refusal, a
  checkout superseded by a newer one or cancelled as abandoned, then a genuine paid return)
  enqueues :class:`~pickey_core.queue.contracts.RecheckPayment`. That job asks
  ``getPaymentStatus`` and applies the answer with source ``recheck``: paid → the payment
  becomes ``paid`` (the one sideways move, made only on the gateway's own word) and is granted,
  or refunded when what it buys is already held; not paid → the first result stands.
- a failed or cancelled result for a ``paid`` payment is kept out: the money moved.

Outcomes (the gateway's PRCODE table as :mod:`pickey_core.gpwebpay.codes` reads it):

- ``paid`` → paid and booked in the money ledger (gross, VAT, fees, the creator's share:
  :func:`pickey_payments.ledger.service.record_payment`), then the kind's effect in the same
  transaction: a membership activated or extended, a post unlocked, a tip recorded (the payment
  row is the tip); the fan and the creator are told through the outbox.
- ``failed``, ``chain_broken``, ``sca_required`` → failed; ``cancelled`` → cancelled. A failed
  renewal moves the membership through dunning (:mod:`pickey_payments.memberships.dunning`).
- ``our_bug`` (PRCODE 1-6) and ``configuration_error`` (11, 31) in a browser return: the gateway
  refused that *request* (an error redirect echoes whatever order fields were sent), which says
  nothing about a genuine request for the same order that the fan may still pay. The payment is
  left as it is (reconciliation asks the gateway later) and the refusal is counted and logged as
  an anomaly because it is ours to fix. From a WS charge they mean the charge was refused: failed.
- ``unknown`` (PRCODE 1000, or a status still pending) → unknown; reconciliation asks later.
- ``duplicate_order`` (PRCODE 14): the gateway refused a second use of this ORDERNUMBER (a form
  sent twice from a second tab or the back button). It says nothing about the original payment,
  so it changes nothing; the original's own return or a status question settles it.

A paid payment that grants nothing (the membership or unlock was already paid for, or an account
was deleted while the fan was at the gateway; :mod:`pickey_payments.settlement.grants`) is
booked, then refunded automatically in full in the same transaction
(:func:`pickey_payments.refunds.service.refund_automatically`); nothing is extended by it.

The caller holds the payment's row lock (:mod:`pickey_payments.settlement.repository`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.gpwebpay.codes import Outcome, field_named_by
from pickey_core.gpwebpay.http_api import GatewayResponse
from pickey_core.gpwebpay.ws_client import PaymentStatus
from pickey_core.models import Payment, PaymentKind, PaymentState
from pickey_core.observability.metrics import PAYMENT_ANOMALIES, PAYMENTS_SETTLED
from pickey_core.queue.contracts import AnnouncePayment, RecheckPayment
from pickey_core.queue.outbox import enqueue
from pickey_payments.billing_config import BillingConfig
from pickey_payments.ledger import service as ledger
from pickey_payments.memberships import dunning
from pickey_payments.receipts import service as receipts
from pickey_payments.refunds import service as refunds
from pickey_payments.settlement import grants, repository

logger = structlog.get_logger(__name__)

# Outcomes of an error redirect: the gateway refused the request, not the fan's payment.
REQUEST_REFUSED = frozenset({Outcome.OUR_BUG, Outcome.CONFIGURATION_ERROR, Outcome.DUPLICATE_ORDER})
RETURN = "return"
# Shown to the fan with an automatic refund.
AUTOMATIC_REASONS = {
    grants.Granted.ALREADY_HELD: "Paid twice for the same thing; the second payment is refunded.",
    grants.Granted.ACCOUNT_DELETED: "The account was deleted before the payment completed.",
    grants.Granted.PERIOD_OVER: "The upgrade was charged after its period ended; refunded.",
}
RECHECK = "recheck"

FINAL_STATES = frozenset({PaymentState.PAID, PaymentState.FAILED, PaymentState.CANCELLED})

_STATE_OF: dict[Outcome, PaymentState] = {
    Outcome.PAID: PaymentState.PAID,
    Outcome.FAILED: PaymentState.FAILED,
    Outcome.CHAIN_BROKEN: PaymentState.FAILED,
    Outcome.SCA_REQUIRED: PaymentState.FAILED,
    Outcome.OUR_BUG: PaymentState.FAILED,
    Outcome.CONFIGURATION_ERROR: PaymentState.FAILED,
    Outcome.CANCELLED: PaymentState.CANCELLED,
    Outcome.UNKNOWN: PaymentState.UNKNOWN,
}


@dataclass(frozen=True)
class GatewayResult:
    """An outcome and the codes it came with; ``source`` says how it reached us (for logs)."""

    outcome: Outcome
    source: str
    prcode: str | None = None
    srcode: str | None = None
    text: str | None = None


def result_of_return(response: GatewayResponse) -> GatewayResult:
    return GatewayResult(
        response.outcome, RETURN, response.prcode, response.srcode, response.result_text
    )


def result_of_status(status: PaymentStatus, source: str = "status") -> GatewayResult:
    """A ``getPaymentStatus`` answer; its state says paid, failed, cancelled or not yet final.
    ``source`` ``recheck`` marks the answer to a contradiction, which may correct a payment."""
    return GatewayResult(status.outcome, source, text=f"{status.status} {status.sub_status}")


def _refuses_request(result: GatewayResult) -> bool:
    """The gateway refused the request itself (a duplicate order, or an error redirect): the
    payment is left as it is, for a genuine result."""
    return result.outcome is Outcome.DUPLICATE_ORDER or (
        result.source == RETURN and result.outcome in REQUEST_REFUSED
    )


def changes_nothing(payment: Payment, result: GatewayResult) -> bool:
    """True when :func:`apply` would change, log and count nothing: ``payment`` is already settled
    in the very state ``result`` names (a replayed return: a refresh, a second tab, a retrying
    client). States only move forward, so a caller may decide this from an unlocked read and
    answer without taking the row lock."""
    if _refuses_request(result):
        return False
    return payment.state in FINAL_STATES and _STATE_OF[result.outcome] is payment.state


async def settle(
    session: AsyncSession,
    payment_id: uuid.UUID,
    result: GatewayResult,
    billing: BillingConfig,
    now: datetime | None = None,
) -> bool:
    """Lock the payment (:func:`pickey_payments.settlement.repository.lock`) and :func:`apply`."""
    payment = await repository.lock(session, payment_id)
    if payment is None:
        raise LookupError(f"payment {payment_id} does not exist")
    return await apply(session, payment, result, billing, now)


async def apply(
    session: AsyncSession,
    payment: Payment,
    result: GatewayResult,
    billing: BillingConfig,
    now: datetime | None = None,
) -> bool:
    """Settle ``payment`` (row-locked by the caller) with ``result``; True if anything changed."""
    now = now or datetime.now(UTC)
    log = logger.bind(
        payment_id=str(payment.id),
        order_number=payment.order_number,
        kind=payment.kind.value,
        outcome=result.outcome.value,
        source=result.source,
        prcode=result.prcode,
        srcode=result.srcode,
    )
    if _refuses_request(result):
        _request_refused(result, log)
        return False
    target = _STATE_OF[result.outcome]
    if payment.state in FINAL_STATES:
        if target is PaymentState.PAID and payment.state is not PaymentState.PAID:
            if result.source == RECHECK:
                return await _corrected_to_paid(session, payment, result, billing, now, log)
            PAYMENT_ANOMALIES.labels("contradictory_paid").inc()
            log.error("paid result for a payment settled otherwise; asking the gateway")
            enqueue(session, RecheckPayment(payment_id=payment.id, reason=payment.state.value))
            return False
        if target is not payment.state and target is not PaymentState.UNKNOWN:
            PAYMENT_ANOMALIES.labels("contradictory_result").inc()
            log.error("contradictory result for a settled payment ignored", state=payment.state)
        return False
    if result.outcome in (Outcome.OUR_BUG, Outcome.CONFIGURATION_ERROR):
        _request_refused(result, log, left=False)
    payment.prcode, payment.srcode = result.prcode, result.srcode
    payment.result_text = (result.text or "")[:255] or None
    if target is PaymentState.UNKNOWN:
        changed = payment.state is not PaymentState.UNKNOWN
        payment.state = PaymentState.UNKNOWN
        log.info("payment outcome unknown; reconciliation will ask the gateway")
        return changed
    payment.state = target
    PAYMENTS_SETTLED.labels(payment.kind.value, target.value).inc()
    if target is PaymentState.PAID:
        payment.paid_at = now
        await _give(session, payment, billing, now)
    elif payment.kind is PaymentKind.RENEWAL:
        await dunning.renewal_failed(session, payment, result.outcome, billing, now)
    log.info("payment settled", state=target.value)
    await session.flush()
    return True


def _request_refused(
    result: GatewayResult, log: structlog.stdlib.BoundLogger, *, left: bool = True
) -> None:
    """Count and log a request the gateway refused (ours to fix; alerts on the counter)."""
    PAYMENT_ANOMALIES.labels(
        "duplicate_order_number"
        if result.outcome is Outcome.DUPLICATE_ORDER
        else result.outcome.value
    ).inc()
    field = None
    if result.prcode is not None and result.srcode is not None:
        field = field_named_by(result.prcode, result.srcode)
    if left:
        log.error("gateway refused the request; payment left for a genuine result", field=field)
    else:
        log.error("gateway refused our request", field=field)


async def _give(
    session: AsyncSession, payment: Payment, billing: BillingConfig, now: datetime
) -> None:
    """Book a payment that just became paid and give what it buys, or refund it when it gives
    nothing. The money moved whatever the grant does: it is booked in this same transaction."""
    await ledger.record_payment(session, payment, billing.money, now)
    await receipts.issue(session, payment, now)
    granted = await grants.grant(session, payment, now)
    if granted is grants.Granted.YES:
        enqueue(session, AnnouncePayment(payment_id=payment.id))
        return
    logger.warning(
        "paid payment granted nothing; refunding it", payment_id=str(payment.id), reason=granted
    )
    await refunds.refund_automatically(session, payment, AUTOMATIC_REASONS[granted], billing, now)


async def _corrected_to_paid(
    session: AsyncSession,
    payment: Payment,
    result: GatewayResult,
    billing: BillingConfig,
    now: datetime,
    log: structlog.stdlib.BoundLogger,
) -> bool:
    """The gateway says a payment we settled as failed or cancelled was paid: it was."""
    PAYMENT_ANOMALIES.labels("corrected_to_paid").inc()
    log.warning("gateway says paid; correcting the payment", was=payment.state.value)
    payment.state = PaymentState.PAID
    payment.paid_at = now
    payment.prcode, payment.srcode = "0", "0"
    payment.result_text = (result.text or "")[:255] or None
    PAYMENTS_SETTLED.labels(payment.kind.value, PaymentState.PAID.value).inc()
    await _give(session, payment, billing, now)
    await session.flush()
    return True
