"""Asking the gateway what became of a payment (``getPaymentStatus``).

Used wherever we do not know an outcome: a checkout whose browser never came back, PRCODE 1000,
a renewal charge whose answer was lost (timeout, crash after the call). ``NOT_FOUND`` means the
gateway never received the order: for a checkout, the fan never reached the gateway's page; for
a renewal, the charge never arrived, so sending it again cannot charge twice.
"""

from __future__ import annotations

import structlog

from pickey_core.gpwebpay.ws_client import WsError, WsFault
from pickey_core.providers.errors import ProviderError
from pickey_payments.gateway import NOT_FOUND_CODE, Gateway, status_message_id
from pickey_payments.settlement.service import GatewayResult, result_of_status

logger = structlog.get_logger(__name__)


class NotFoundAtGateway:
    """The gateway has no payment with this number."""


NOT_FOUND = NotFoundAtGateway()


async def ask(
    gateway: Gateway, order_number: str, source: str = "status"
) -> GatewayResult | NotFoundAtGateway | None:
    """The gateway's answer, :data:`NOT_FOUND`, or None when it could not be asked (try later).
    ``source`` names why we asked (``recheck``: the answer may correct a settled payment)."""
    try:
        status = await gateway.ws.get_payment_status(status_message_id(), order_number)
    except WsFault as fault:
        if fault.primary == NOT_FOUND_CODE:
            return NOT_FOUND
        logger.warning(
            "payment status refused",
            order_number=order_number,
            codes=f"{fault.primary}/{fault.secondary}",
        )
        return None
    except (ProviderError, WsError) as error:
        logger.warning("payment status unavailable", order_number=order_number, error=str(error))
        return None
    return result_of_status(status, source)
