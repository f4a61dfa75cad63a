"""The card gateway as the payments service uses it: keys loaded once, one HTTP client.

Everything GP webpay-specific on the wire lives in :mod:`pickey_core.gpwebpay`; this object only
binds it to our configuration so endpoints and jobs say ``gateway.sign_order(...)`` and
``gateway.ws.get_payment_status(...)``. Web app and worker each open one at start-up; its HTTP
client (and the WS client using it) is made on the first WS call: an httpx client loads the CA
bundle into a TLS context, ~3 MiB that a web process signing orders and verifying returns
never needs (issue 14, P7).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field

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
    # None until the first WS call (see the module's docstring); a caller may pass its own.
    ws_client: GpWebpayWsClient | None = None
    _http: httpx.AsyncClient | None = field(default=None, init=False, repr=False)

    @classmethod
    def open(cls, settings: PaymentsSettings) -> Gateway:
        config = settings.gpwebpay
        return cls(config=config, keys=config.load_keys(allow_dev_keys=settings.is_development))

    @property
    def ws(self) -> GpWebpayWsClient:
        """The WS (SOAP) client, with the process's one HTTP client, made on first use."""
        if self.ws_client is None:
            self._http = httpx.AsyncClient(timeout=self.config.ws_timeout_seconds)
            self.ws_client = GpWebpayWsClient(
                url=self.config.ws_url,
                provider=self.config.provider,
                merchant_number=self.config.merchant_number,
                merchant_key=self.keys.merchant,
                gateway_key=self.keys.gateway,
                timeout_seconds=self.config.ws_timeout_seconds,
                http=self._http,
            )
        return self.ws_client

    async def aclose(self) -> None:
        if self._http is not None:
            await self._http.aclose()

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
