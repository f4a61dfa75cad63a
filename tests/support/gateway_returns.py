"""GP webpay returns as the gateway sends a fan's browser back: signed fields (tampered with or
not) and sending them to the payments app."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, urlencode

import httpx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from pickey_payments.settings import PaymentsSettings
from pickey_sandbox.gpwebpay.dev_keys import DEV_GATEWAY_PRIVATE_KEY
from tests.support.gpwebpay_keys import key_pair, public_pem
from tests.support.gpwebpay_signing import sign_response
from tests.support.payments_fans import ORIGIN, Fan, Shop
from tests.support.settings import GPWEBPAY_MERCHANT_NUMBER, TestEnvironment

GATEWAY_KEY = key_pair("gateway")
RETURN = f"{ORIGIN}/payments/v1/gpwebpay/return"


def settings_trusting_the_test_gateway_key(test_env: TestEnvironment) -> PaymentsSettings:
    """Payments settings that verify returns against ``GATEWAY_KEY`` (which signs them here)."""
    return test_env.payments(gpwebpay=test_env.gpwebpay(gateway_public_key=public_pem(GATEWAY_KEY)))


def signed(
    payment: dict[str, Any], prcode: str = "0", srcode: str = "0", **extra: str
) -> list[tuple[str, str]]:
    fields = {
        "OPERATION": "CREATE_ORDER",
        "ORDERNUMBER": payment["order_number"],
        "MERORDERNUM": payment["order_number"],
        "MD": payment["payment_id"],
        "PRCODE": prcode,
        "SRCODE": srcode,
        "RESULTTEXT": "OK" if prcode == "0" else "Declined",
        "USERPARAM1": "R",
        **extra,
    }
    return sign_response(fields.items(), merchant_number=GPWEBPAY_MERCHANT_NUMBER, key=GATEWAY_KEY)


def query(fields: list[tuple[str, str]]) -> str:
    return urlencode(fields, quote_via=quote, safe="")


async def send(fan: Fan, fields: list[tuple[str, str]], **headers: str) -> httpx.Response:
    return await fan.client.get(f"{RETURN}?{query(fields)}", headers=headers)


async def membership_checkout(fan: Fan, shop: Shop) -> dict[str, Any]:
    answer = await fan.client.post(
        "/checkouts", json={"kind": "membership", "tier_id": str(shop.tiers[0].id)}
    )
    assert answer.status_code == 201
    created: dict[str, Any] = answer.json()
    return created


def replace(fields: list[tuple[str, str]], name: str, value: str) -> list[tuple[str, str]]:
    return [(k, value if k == name else v) for k, v in fields]


def paid_return(
    created: dict[str, Any], merchant_number: str = GPWEBPAY_MERCHANT_NUMBER
) -> list[tuple[str, str]]:
    """A paid return signed with the sandbox's development gateway key, which the default test
    settings trust (``signed`` uses ``GATEWAY_KEY`` and needs the settings above)."""
    key = serialization.load_pem_private_key(DEV_GATEWAY_PRIVATE_KEY.encode(), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    fields = {
        "OPERATION": "CREATE_ORDER",
        "ORDERNUMBER": created["order_number"],
        "MERORDERNUM": created["order_number"],
        "MD": created["payment_id"],
        "PRCODE": "0",
        "SRCODE": "0",
        "RESULTTEXT": "OK",
        "USERPARAM1": "R",
    }
    return sign_response(fields.items(), merchant_number=merchant_number, key=key)
