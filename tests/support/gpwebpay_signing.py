"""Sign a GP webpay response as the gateway does, for tests that play the gateway's return.

Production only verifies (:func:`pickey_core.gpwebpay.http_api.verify_response`); this signer
lives with the tests so nothing in a service image can forge a gateway answer.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import overload

from cryptography.hazmat.primitives.asymmetric import rsa

from pickey_core.gpwebpay.http_api import DIGEST_VARIANTS, DigestVariant
from pickey_core.gpwebpay.signing import sign


@overload
def sign_response(
    fields: Iterable[tuple[str, str]],
    *,
    merchant_number: str,
    key: rsa.RSAPrivateKey,
    variant: DigestVariant = ...,
) -> list[tuple[str, str]]: ...


@overload
def sign_response(
    fields: Iterable[tuple[str, bytes]],
    *,
    merchant_number: str,
    key: rsa.RSAPrivateKey,
    variant: DigestVariant = ...,
) -> list[tuple[str, str | bytes]]: ...


def sign_response(
    fields: Iterable[tuple[str, str]] | Iterable[tuple[str, bytes]],
    *,
    merchant_number: str,
    key: rsa.RSAPrivateKey,
    variant: DigestVariant = DIGEST_VARIANTS[0],
) -> list[tuple[str, str]] | list[tuple[str, str | bytes]]:
    """Sign response fields the way the gateway does; returns them with
    DIGEST and DIGEST1 appended. Fields are signed in the fixed order, whatever order given,
    under ``variant``'s reading of the field list; text values are signed as UTF-8."""
    values: dict[str, str | bytes] = dict(fields)
    raw = {k: v.encode("utf-8") if isinstance(v, str) else v for k, v in values.items()}
    text = b"|".join(variant.fields(raw))
    signed: list[tuple[str, str | bytes]] = [
        *values.items(),
        ("DIGEST", sign(key, text)),
        ("DIGEST1", sign(key, text + b"|" + merchant_number.encode("ascii"))),
    ]
    return signed
