"""GP webpay signatures: RSASSA-PKCS1-v1_5 with SHA-1 over field values joined with ``|``.

The HTTP API carries the signature base64-encoded (DIGEST, DIGEST1); the WS API carries the raw
bytes in a base64Binary element, which is base64 on the wire as well. Text is encoded as UTF-8:
everything we sign is ASCII. A received return is verified over the bytes exactly as they
arrived (RESULTTEXT may be windows-1250), so verification also takes ``bytes``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

SEPARATOR = "|"


def digest_text(values: Sequence[str]) -> str:
    """The signed text: the values in their fixed order, joined with ``|`` (no escaping exists)."""
    return SEPARATOR.join(values)


def sign_bytes(key: rsa.RSAPrivateKey, text: str | bytes) -> bytes:
    message = text.encode("utf-8") if isinstance(text, str) else text
    return key.sign(message, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303


def sign(key: rsa.RSAPrivateKey, text: str | bytes) -> str:
    """The base64 signature of ``text`` (a DIGEST)."""
    return base64.b64encode(sign_bytes(key, text)).decode("ascii")


def verify_bytes(key: rsa.RSAPublicKey, text: str | bytes, signature: bytes) -> bool:
    message = text.encode("utf-8") if isinstance(text, str) else text
    try:
        key.verify(signature, message, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    except InvalidSignature:
        return False
    return True


def verify(key: rsa.RSAPublicKey, text: str | bytes, signature: str) -> bool:
    """Whether ``signature`` (base64) signs ``text``; malformed base64 is simply not valid."""
    try:
        raw = base64.b64decode(signature.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        return False
    return verify_bytes(key, text, raw)
