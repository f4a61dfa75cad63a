"""The card gateway as the payments service uses it: keys loaded once, one HTTP client.

Everything GP webpay-specific on the wire lives in :mod:`pickey_core.gpwebpay`; this object only
binds it to our configuration so endpoints and jobs say ``gateway.sign_order(...)`` and
``gateway.ws.get_payment_status(...)``. Web app and worker each open one at start-up.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

import httpx

from pickey_core.gpwebpay.config import GpWebpayConfig, GpWebpayKeys
from pickey_core.gpwebpay.http_api import (
    GatewayResponse,
    OrderRequest,
    SignedOrderRequest,
    build_order_request,
    verify_response,
)
from pickey_core.gpwebpay.ws_client import GpWebpayWsClient
from pickey_payments.settings import PaymentsSettings

# The WS API's "object not found" primary return code.
NOT_FOUND_CODE = "15"


@dataclass
class Gateway:
    config: GpWebpayConfig
    keys: GpWebpayKeys
    ws: GpWebpayWsClient
    http: httpx.AsyncClient

    @classmethod
    def open(cls, settings: PaymentsSettings) -> Gateway:
        config = settings.gpwebpay
        keys = config.load_keys(allow_dev_keys=settings.is_development)
        http = httpx.AsyncClient(timeout=config.ws_timeout_seconds)
        ws = GpWebpayWsClient(
            url=config.ws_url,
            provider=config.provider,
            merchant_number=config.merchant_number,
            merchant_key=keys.merchant,
            gateway_key=keys.gateway,
            timeout_seconds=config.ws_timeout_seconds,
            http=http,
        )
        return cls(config=config, keys=keys, ws=ws, http=http)

    async def aclose(self) -> None:
        await self.http.aclose()

    def sign_order(self, request: OrderRequest) -> SignedOrderRequest:
        return build_order_request(request, self.keys.merchant)

    def verify_return(self, params: Iterable[tuple[str, str | bytes]]) -> GatewayResponse:
        """Raises :class:`pickey_core.gpwebpay.http_api.ResponseRejected` for anything we must
        not act on."""
        return verify_response(
            params, merchant_number=self.config.merchant_number, gateway_key=self.keys.gateway
        )


def status_message_id() -> str:
    """A fresh messageId for a status question: ids must never repeat, and asking twice is
    harmless, so a random one is right (charges use ids derived from their business key)."""
    return uuid.uuid4().hex
