"""Order requests signed with a throwaway merchant key for the GP webpay sandbox, and the check
of the signed answers it returns."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from pickey_core.gpwebpay.http_api import (
    GatewayResponse,
    OrderRequest,
    SignedOrderRequest,
    build_order_request,
    parse_raw_return,
    verify_response,
)
from pickey_core.gpwebpay.keys import load_public_key
from tests.support.gpwebpay_keys import key_pair

MERCHANT = "0098765432"
RETURN_URL = "https://pay.pickey.test/payments/v1/gpwebpay/return"
MERCHANT_KEY = key_pair("merchant")


def gateway_key(http: httpx.Client) -> RSAPublicKey:
    return load_public_key(http.get("/sandbox/gpwebpay/public-key.pem").content)


def new_order_number() -> int:
    return random.randint(10**9, 10**15 - 1)


def request(**changes: object) -> SignedOrderRequest:
    values: dict[str, object] = {
        "merchant_number": MERCHANT,
        "order_number": new_order_number(),
        "amount": 9900,
        "currency": "CZK",
        "url": RETURN_URL,
        "merordernum": "77",
        "md": "payment:77",
        "description": "Členství Zlatý fanoušek",
        "recurring_master": True,
        "lang": "cs",
    }
    values.update(changes)
    return build_order_request(OrderRequest(**values), MERCHANT_KEY)  # type: ignore[arg-type]


def returned_params(location: str) -> list[tuple[str, bytes]]:
    assert location.startswith(RETURN_URL + "?")
    return parse_raw_return(urlsplit(location).query)


def verify(http: httpx.Client, location: str, merchant: str = MERCHANT) -> GatewayResponse:
    return verify_response(
        returned_params(location),
        merchant_number=merchant,
        gateway_key=gateway_key(http),
    )
