"""Handle a GP webpay return. :func:`handle` flushes, never commits; :func:`handle_raw` wraps it
in the request's unit of work (the one commit point, :meth:`Resources.unit_of_work`).

The parameters are the raw received strings (blank values kept, in arrival order); the digests
are checked over the fixed field order by :mod:`pickey_core.gpwebpay.http_api`. Nothing is read or
written for a return that does not verify. A verified return must name an order we created, with
our MD (the payment id) and MERORDERNUM echoed back unchanged; a renewal never comes back through
a browser. Every refusal is logged and counted by reason
(``pickey_gateway_returns_rejected_total``); every received value that reaches a log is escaped
and truncated (:func:`pickey_core.gpwebpay.http_api.loggable`). Parameters the gateway added that
we do not know are ignored and logged by name. The reading of the digest that verified is counted
(``pickey_gateway_return_digest_variants_total``).

The same return arriving 1 or 10 times settles the payment once
(:mod:`pickey_payments.settlement.service`); once it is settled, a replay is answered from an
unlocked read (:func:`pickey_payments.settlement.service.changes_nothing`) without the row lock.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import BadRequest
from pickey_core.gpwebpay.http_api import (
    BadSignature,
    MissingDigest,
    ResponseRejected,
    loggable,
    parse_raw_return,
)
from pickey_core.models import PaymentKind, PaymentState
from pickey_core.observability.metrics import (
    GATEWAY_RETURN_DIGEST_VARIANTS,
    GATEWAY_RETURNS_REJECTED,
)
from pickey_core.observability.webhooks import webhook_refused
from pickey_payments.billing_config import BillingConfig
from pickey_payments.gateway import Gateway
from pickey_payments.returns.context import ReturnContext
from pickey_payments.settlement import repository
from pickey_payments.settlement import service as settlement

logger = structlog.get_logger(__name__)

PROVIDER = "gpwebpay"
SIGNATURE_REASONS = frozenset({"return_not_signed", "return_signature_invalid"})


class ReturnRejected(BadRequest):
    """A return we will not act on; ``code`` says why."""

    code = "gateway_return_rejected"


def _rejected(code: str, message: str, **context: str | None) -> ReturnRejected:
    GATEWAY_RETURNS_REJECTED.labels(code).inc()
    webhook_refused(
        PROVIDER,
        code,
        detail=message,
        signature_failure=code in SIGNATURE_REASONS,
        **context,
    )
    return ReturnRejected(message, code=code)


def _unknown_order(claimed: str | None) -> ReturnRejected:
    return _rejected("unknown_order", "No payment has this order number.", order_number=claimed)


def read_params(raw: str | bytes) -> list[tuple[str, bytes]]:
    """The parameters of a query string or form body, values as the raw received bytes."""
    try:
        return parse_raw_return(raw)
    except ResponseRejected as error:
        raise _rejected("return_malformed", str(error)) from error


@dataclass(frozen=True)
class Handled:
    """The payment's id and state after the return, and whether the return was the gateway
    refusing the request (an error redirect: the payment was left for a genuine result)."""

    payment_id: uuid.UUID
    state: PaymentState
    request_refused: bool


async def handle_raw(context: ReturnContext, raw: bytes) -> Handled:
    """:func:`handle` the raw query string or form body in a unit of work of its own.

    A byte-identical replay of a return answered as paid is answered from ``paid_returns``
    (:mod:`pickey_payments.returns.replays`) without verifying, reading or opening anything; a
    return is remembered there only after its transaction committed. The unit of work is
    opened here rather than by the route's session dependency, so a replay costs no session."""
    paid_returns = context.paid_returns
    key = paid_returns.key(raw)
    paid = paid_returns.get(key)
    if paid is not None:
        return Handled(paid, PaymentState.PAID, request_refused=False)
    async with context.resources.unit_of_work() as session:
        handled = await handle(session, context.gateway, context.billing, read_params(raw))
    if handled.state is PaymentState.PAID:
        paid_returns.remember(key, handled.payment_id)
    return handled


async def handle(
    session: AsyncSession,
    gateway: Gateway,
    billing: BillingConfig,
    params: list[tuple[str, bytes]],
) -> Handled:
    """Verify the return and settle its payment."""
    claimed = loggable(dict(params).get("ORDERNUMBER"))
    try:
        response = gateway.verify_return(params)
    except MissingDigest as error:
        raise _rejected("return_not_signed", str(error), order_number=claimed) from error
    except BadSignature as error:
        raise _rejected("return_signature_invalid", str(error), order_number=claimed) from error
    except ResponseRejected as error:
        raise _rejected("return_malformed", str(error), order_number=claimed) from error
    GATEWAY_RETURN_DIGEST_VARIANTS.labels(response.digest_variant).inc()
    if response.ignored:
        logger.info(
            "gateway return carried parameters we do not know; ignored",
            order_number=claimed,
            ignored=[loggable(name) for name in response.ignored],
        )
    payment = await repository.by_order_number(session, response.order_number)
    if payment is None:
        raise _unknown_order(claimed)
    # We always send MD (the payment id) and MERORDERNUM; the gateway echoes both, signed. Neither
    # changes once written, so the unlocked read is enough to compare them.
    mismatch = response.md != str(payment.id) or response.merordernum != payment.order_number
    if mismatch or payment.kind is PaymentKind.RENEWAL:
        raise _rejected(
            "order_mismatch",
            "The return does not match the order we sent.",
            order_number=claimed,
            payment_id=str(payment.id),
        )
    result = settlement.result_of_return(response)
    if settlement.changes_nothing(payment, result):
        # A replay of a return already settled: answered from the unlocked read, so replays
        # never queue on the row lock behind each other or behind the return settling it.
        return Handled(payment.id, payment.state, request_refused=False)
    payment = await repository.lock_by_order_number(session, response.order_number)
    if payment is None:
        raise _unknown_order(claimed)
    await settlement.apply(session, payment, result, billing)
    return Handled(payment.id, payment.state, result.outcome in settlement.REQUEST_REFUSED)
