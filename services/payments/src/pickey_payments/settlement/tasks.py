"""The recheck job: a paid return contradicted a settled payment; the gateway decides.

It asks ``getPaymentStatus`` outside any transaction, then settles with source ``recheck`` in one
(:func:`pickey_payments.settlement.service.apply` corrects the payment only on that source). An
unreachable gateway raises, so the job is retried with backoff and, after its tries, pushed again
by the outbox sweeper: the contradiction is never dropped.
"""

from __future__ import annotations

import structlog

from pickey_core.gpwebpay.codes import Outcome
from pickey_core.models import Payment, PaymentState
from pickey_core.queue.contracts import RecheckPayment
from pickey_payments.settlement import service, status
from pickey_payments.settlement.service import RECHECK, GatewayResult
from pickey_payments.worker_resources import PaymentsJobContext

logger = structlog.get_logger(__name__)


class GatewayNotAnswering(Exception):
    """The status question could not be asked; the job is retried."""


async def recheck_payment(ctx: PaymentsJobContext, payload: RecheckPayment) -> None:
    gateway = ctx.service.gateway
    settings = ctx.service.settings
    log = logger.bind(payment_id=str(payload.payment_id), was=payload.reason)
    async with ctx.resources.unit_of_work() as session:
        payment = await session.get(Payment, payload.payment_id)
        if payment is None or payment.state is PaymentState.PAID:
            return
        order_number = payment.order_number
    known = await status.ask(gateway, order_number, RECHECK)
    if known is None:
        raise GatewayNotAnswering(f"status of {order_number} could not be asked")
    if not isinstance(known, GatewayResult) or known.outcome is not Outcome.PAID:
        log.warning("gateway says the contradicted payment is not paid; first result stands")
        return
    async with ctx.resources.unit_of_work() as session:
        await service.settle(session, payload.payment_id, known, settings.billing)
