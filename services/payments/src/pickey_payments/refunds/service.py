"""Refund rules. Flushes, never commits.

**Who** (:func:`authorize`): the creator the payment went to, within
``PICKEY_BILLING__REFUND_WINDOW_DAYS`` of the payment (their dashboard); an operator
(``users.is_operator``) at any time; anyone else gets 403. **What**: a ``paid`` payment, partly
or fully, several times up to what was paid (what is requested, sent or made counts; a failed
refund gives its amount back).

**How** (like a renewal charge): :func:`request` commits a ``requested`` row whose WS messageId
is derived from the refund id, reserves the money in the ledger
(:func:`pickey_payments.ledger.service.record_refund`) and enqueues
:class:`~pickey_core.queue.contracts.ProcessRefund` in the same transaction. The job
(:mod:`pickey_payments.refunds.tasks`) claims the row (``pending``, with ``gateway_called_at``)
and commits *before* calling ``processRefund``; the answer is recorded in its own transaction.
A refund whose answer was lost (timeout, a killed worker) is never sent again: after the lease
(``PICKEY_BILLING__CHARGE_LEASE_SECONDS``) the gateway is asked (``getPaymentStatus`` reports
what it refunded) and the refund is recorded succeeded or failed from that. Only one refund of a
payment is with the gateway at a time, so the gateway's total tells which one was made.

**Automatic refunds** (:func:`refund_automatically`): a paid payment that bought nothing (a second
payment for an active membership or an unlocked post, a payment completed after an account was
deleted) is refunded in full, once, by the platform; nothing is extended by it.

On success the ledger pays the refund out of gateway clearing, the membership or unlock the
payment bought ends if the caller asked (``ends_access``), and the fan is told
(:class:`~pickey_core.queue.contracts.AnnounceRefund`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import structlog
from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import Conflict, InvalidInput, NotPermitted
from pickey_core.gpwebpay.ws_client import message_id_for
from pickey_core.models import (
    Membership,
    MembershipEventKind,
    MembershipStatus,
    Payment,
    PaymentKind,
    PaymentState,
    PostUnlock,
    Refund,
    RefundState,
    User,
)
from pickey_core.observability.metrics import PAYMENT_ANOMALIES
from pickey_core.queue.contracts import AnnounceRefund, ProcessRefund
from pickey_core.queue.outbox import enqueue
from pickey_payments import membership_history
from pickey_payments.billing_config import BillingConfig
from pickey_payments.errors import PaymentNotFound
from pickey_payments.ledger import service as ledger
from pickey_payments.refunds import repository

logger = structlog.get_logger(__name__)

# What counts against what may still be refunded: everything but a failed refund.
COUNTED = (RefundState.REQUESTED, RefundState.PENDING, RefundState.SUCCEEDED, RefundState.UNKNOWN)
FINAL = frozenset({RefundState.SUCCEEDED, RefundState.FAILED})


class RefundNotPermitted(NotPermitted):
    code = "refund_not_permitted"


class RefundWindowClosed(NotPermitted):
    code = "refund_window_closed"


class PaymentNotRefundable(Conflict):
    code = "payment_not_refundable"


class RefundTooLarge(InvalidInput):
    code = "refund_amount_too_large"


REFUND_ERRORS = (
    PaymentNotFound,
    RefundNotPermitted,
    RefundWindowClosed,
    PaymentNotRefundable,
    RefundTooLarge,
)


def message_id_of(refund_id: uuid.UUID) -> str:
    """The refund's WS messageId, derived from its id: sending it again can never refund twice
    (the gateway refuses a reused messageId)."""
    return message_id_for(f"refund:{refund_id}")


async def authorize(
    session: AsyncSession, user: User, payment: Payment, billing: BillingConfig, now: datetime
) -> None:
    """Raise unless ``user`` may refund ``payment`` now."""
    if user.is_operator:
        return
    if await repository.creator_owner(session, payment.creator_id) != user.id:
        raise RefundNotPermitted("Only the creator who was paid, or an operator, may refund.")
    paid_at = payment.paid_at or payment.created_at
    if now - paid_at > timedelta(days=billing.refund_window_days):
        raise RefundWindowClosed(
            f"Creators may refund for {billing.refund_window_days} days after a payment; "
            "ask support."
        )


async def request(
    session: AsyncSession,
    payment_id: uuid.UUID,
    *,
    amount: int | None,
    reason: str,
    ends_access: bool,
    billing: BillingConfig,
    now: datetime,
    requested_by: User | None,
    automatic: bool = False,
) -> Refund:
    """Create a refund of a paid payment, reserve it in the ledger, and queue it for sending.
    ``requested_by`` None is the platform (automatic refunds; no permission check)."""
    payment = await repository.lock_payment(session, payment_id)
    if payment is None:
        raise PaymentNotFound("No such payment.")
    if requested_by is not None:
        await authorize(session, requested_by, payment, billing, now)
    if payment.state is not PaymentState.PAID:
        raise PaymentNotRefundable("Only a paid payment can be refunded.")
    left = payment.amount - await repository.total(session, payment.id, COUNTED)
    if left <= 0:
        raise PaymentNotRefundable("This payment has been refunded in full.")
    amount = left if amount is None else amount
    if amount <= 0 or amount > left:
        raise RefundTooLarge(f"At most {left} minor units of this payment can be refunded.")
    refund_id = uuid.uuid4()
    refund = Refund(
        id=refund_id,
        payment_id=payment.id,
        creator_id=payment.creator_id,
        amount=amount,
        currency=payment.currency,
        state=RefundState.REQUESTED,
        message_id=message_id_of(refund_id),
        requested_by=requested_by.id if requested_by is not None else None,
        reason=reason,
        ends_access=ends_access,
        automatic=automatic,
    )
    session.add(refund)
    await session.flush()
    await ledger.record_refund(session, refund, billing.money, now)
    enqueue(session, ProcessRefund(refund_id=refund.id))
    logger.info(
        "refund requested",
        refund_id=str(refund.id),
        payment_id=str(payment.id),
        amount=amount,
        automatic=automatic,
    )
    return refund


async def refund_automatically(
    session: AsyncSession, payment: Payment, why: str, billing: BillingConfig, now: datetime
) -> Refund:
    """Refund a paid payment that bought nothing, in full and once (a second call returns the
    first refund)."""
    existing = await repository.automatic_of(session, payment.id)
    if existing is not None:
        return existing
    PAYMENT_ANOMALIES.labels("refunded_automatically").inc()
    return await request(
        session,
        payment.id,
        amount=None,
        reason=why,
        ends_access=False,
        billing=billing,
        now=now,
        requested_by=None,
        automatic=True,
    )


class Step(StrEnum):
    SEND = "send"  # claimed: call processRefund
    ASK = "ask"  # sent before, answer lost: ask getPaymentStatus
    WAIT = "wait"  # another worker (or another refund of the payment) is with the gateway
    DONE = "done"  # settled already


@dataclass(frozen=True)
class Claim:
    step: Step
    refund_id: uuid.UUID
    order_number: str = ""
    amount: int = 0
    message_id: str = ""
    wait_seconds: float = 0.0


async def claim(
    session: AsyncSession, refund_id: uuid.UUID, billing: BillingConfig, now: datetime
) -> Claim:
    """Decide what the job does with the refund, and stamp the claim (the caller commits it
    before talking to the gateway)."""
    found = await session.get(Refund, refund_id)
    if found is None:
        return Claim(Step.DONE, refund_id)
    payment = await repository.lock_payment(session, found.payment_id)
    refund = await repository.lock(session, refund_id)
    assert payment is not None
    assert refund is not None
    lease = timedelta(seconds=billing.charge_lease_seconds)
    if refund.state in FINAL:
        return Claim(Step.DONE, refund_id)
    if refund.state is RefundState.REQUESTED:
        if await repository.another_in_flight(session, payment.id, refund.id):
            return Claim(Step.WAIT, refund_id, wait_seconds=lease.total_seconds())
        refund.state = RefundState.PENDING
        refund.gateway_called_at = now
        refund.attempts += 1
        await session.flush()
        return Claim(Step.SEND, refund_id, payment.order_number, refund.amount, refund.message_id)
    called = refund.gateway_called_at or refund.created_at
    if now < called + lease:
        return Claim(Step.WAIT, refund_id, wait_seconds=(called + lease - now).total_seconds())
    refund.checked_at = now
    await session.flush()
    return Claim(Step.ASK, refund_id, payment.order_number, refund.amount, refund.message_id)


async def gateway_refunded_before(session: AsyncSession, refund: Refund) -> int:
    """What the gateway refunded of the payment before this refund: the others that succeeded."""
    return await repository.total(
        session, refund.payment_id, [RefundState.SUCCEEDED], excluding=refund.id
    )


async def record(
    session: AsyncSession,
    refund_id: uuid.UUID,
    state: RefundState,
    billing: BillingConfig,
    now: datetime,
    *,
    prcode: str | None = None,
    srcode: str | None = None,
    text: str | None = None,
) -> Refund | None:
    """Record what the gateway said (or that the answer was lost: ``unknown``). A refund already
    settled is left as it is. The ledger follows the state in the same transaction."""
    found = await session.get(Refund, refund_id)
    if found is None:
        return None
    await repository.lock_payment(session, found.payment_id)
    refund = await repository.lock(session, refund_id)
    assert refund is not None
    if refund.state in FINAL:
        return refund
    refund.state = state
    refund.prcode, refund.srcode = prcode, srcode
    refund.result_text = (text or "")[:255] or None
    if state in FINAL:
        refund.settled_at = now
    await session.flush()
    await ledger.record_refund(session, refund, billing.money, now)
    log = logger.bind(refund_id=str(refund.id), payment_id=str(refund.payment_id))
    if state is RefundState.SUCCEEDED:
        if refund.ends_access:
            await end_access(session, refund.payment_id, now)
        enqueue(session, AnnounceRefund(refund_id=refund.id))
        log.info("refund succeeded", amount=refund.amount)
    elif state is RefundState.FAILED:
        PAYMENT_ANOMALIES.labels(
            "automatic_refund_failed" if refund.automatic else "refund_failed"
        ).inc()
        log.error("refund failed", codes=f"{prcode}/{srcode}", result_text=text)
    else:
        log.warning("refund answer lost; the gateway will be asked after the lease")
    return refund


async def end_access(session: AsyncSession, payment_id: uuid.UUID, now: datetime) -> None:
    """End what the payment bought: the membership now, or the unlock."""
    payment = await session.get(Payment, payment_id)
    assert payment is not None
    if payment.kind is PaymentKind.UNLOCK:
        await session.execute(delete(PostUnlock).where(PostUnlock.payment_id == payment.id))
    elif payment.membership_id is not None:
        membership = await session.get(Membership, payment.membership_id, with_for_update=True)
        if membership is not None and membership.status is not MembershipStatus.LAPSED:
            membership.status = MembershipStatus.LAPSED
            membership.current_period_end = now
            membership.cancel_at_period_end = False
            membership.next_retry_at = None
            await membership_history.record(session, membership, MembershipEventKind.LAPSED, now)
    await session.flush()
