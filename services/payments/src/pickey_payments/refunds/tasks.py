"""The refund job of the payments worker: claim → commit → call → record.

The claim is committed before ``processRefund`` is sent. Each answer is recorded in its own
transaction: accepted → ``succeeded``; a signed refusal → ``failed`` (80, messageId already
used, means an earlier send reached the gateway: the refund is asked about instead); no answer
(timeout, connection, an unverifiable answer) → ``unknown``. A refund that is ``pending`` or
``unknown`` after the lease — its answer lost, or its worker killed mid-call — is never sent
again: the gateway's ``getPaymentStatus`` says how much it refunded of the payment, and the
refund succeeded exactly when that covers the other succeeded refunds plus this one.

Waiting (the lease, another refund of the payment with the gateway, the gateway unreachable)
raises arq's ``Retry``; a job that runs out of tries is pushed again by the outbox sweeper, so a
refund is never left behind.
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from arq import Retry

from pickey_core.gpwebpay.ws_client import WsError, WsFault
from pickey_core.models import Refund, RefundState
from pickey_core.providers.errors import ProviderError
from pickey_core.queue.contracts import ProcessRefund
from pickey_payments.gateway import NOT_FOUND_CODE, Gateway, status_message_id
from pickey_payments.refunds import service
from pickey_payments.refunds.service import Claim, Step
from pickey_payments.worker_resources import PaymentsJobContext

logger = structlog.get_logger(__name__)

REUSED_MESSAGE_ID = "80"
# How long to wait before asking again when the gateway could not be asked.
ASK_AGAIN_SECONDS = 30.0


async def process_refund(ctx: PaymentsJobContext, payload: ProcessRefund) -> None:
    gateway = ctx.service.gateway
    billing = ctx.service.settings.billing
    async with ctx.resources.unit_of_work() as session:
        claim = await service.claim(session, payload.refund_id, billing, datetime.now(UTC))
    if claim.step is Step.DONE:
        return
    if claim.step is Step.WAIT:
        raise Retry(defer=claim.wait_seconds)
    if claim.step is Step.SEND:
        state, codes = await _send(gateway, claim)
    else:
        state, codes = await _ask(ctx, gateway, claim)
    if state is None:
        raise Retry(defer=ASK_AGAIN_SECONDS)
    async with ctx.resources.unit_of_work() as session:
        await service.record(session, claim.refund_id, state, billing, datetime.now(UTC), **codes)
    if state is RefundState.UNKNOWN:
        raise Retry(defer=billing.charge_lease_seconds)


async def _send(gateway: Gateway, claim: Claim) -> tuple[RefundState | None, dict[str, str]]:
    try:
        await gateway.ws.process_refund(
            claim.message_id, payment_number=claim.order_number, amount=claim.amount
        )
    except WsFault as fault:
        if fault.primary == REUSED_MESSAGE_ID:
            return RefundState.UNKNOWN, {"text": "messageId already used: asking the gateway"}
        return RefundState.FAILED, {
            "prcode": fault.primary,
            "srcode": fault.secondary,
            "text": "refused by the gateway",
        }
    except (ProviderError, WsError) as error:
        logger.warning("refund answer lost", refund_id=str(claim.refund_id), error=str(error))
        return RefundState.UNKNOWN, {"text": f"answer lost: {type(error).__name__}"}
    return RefundState.SUCCEEDED, {}


async def _ask(
    ctx: PaymentsJobContext, gateway: Gateway, claim: Claim
) -> tuple[RefundState | None, dict[str, str]]:
    try:
        status = await gateway.ws.get_payment_status(status_message_id(), claim.order_number)
    except WsFault as fault:
        if fault.primary == NOT_FOUND_CODE:
            return RefundState.FAILED, {"text": "the gateway does not know the payment"}
        return None, {}
    except (ProviderError, WsError):
        return None, {}
    async with ctx.resources.unit_of_work() as session:
        refund = await session.get(Refund, claim.refund_id)
        assert refund is not None
        before = await service.gateway_refunded_before(session, refund)
    made = status.refunded_amount >= before + claim.amount
    logger.info(
        "lost refund answer resolved by the gateway's status",
        refund_id=str(claim.refund_id),
        gateway_refunded=status.refunded_amount,
        made=made,
    )
    if made:
        return RefundState.SUCCEEDED, {"text": "confirmed by getPaymentStatus"}
    return RefundState.FAILED, {"text": "not made at the gateway (answer lost, never resent)"}
