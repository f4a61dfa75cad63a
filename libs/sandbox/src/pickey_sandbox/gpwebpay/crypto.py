"""The fake gateway's signatures: RSASSA-PKCS1-v1_5 with SHA-1 over ``|``-joined values.

Written independently of ``pickey_core.gpwebpay`` on purpose: the sandbox checks our code, so
it must not share its mistakes.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from pickey_sandbox.gpwebpay import dev_keys


def load_gateway_key(pem: str | None, path: str | None) -> rsa.RSAPrivateKey:
    """The sandbox's signing key: configured (PEM text or file) or the well-known dev key."""
    data = Path(path).read_bytes() if path else (pem or dev_keys.DEV_GATEWAY_PRIVATE_KEY).encode()
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the sandbox gateway key must be RSA")
    return key


def load_public_key(pem: str) -> rsa.RSAPublicKey:
    key = serialization.load_pem_public_key(pem.strip().encode() + b"\n")
    if not isinstance(key, rsa.RSAPublicKey):
        raise ValueError("not an RSA public key")
    return key


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign_raw(key: rsa.RSAPrivateKey, values: list[str]) -> bytes:
    return key.sign("|".join(values).encode(), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303


def sign_message(key: rsa.RSAPrivateKey, message: bytes) -> str:
    """A base64 signature of an already joined message (a return whose text is not UTF-8)."""
    raw = key.sign(message, padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    return base64.b64encode(raw).decode()


def sign(key: rsa.RSAPrivateKey, values: list[str]) -> str:
    return base64.b64encode(sign_raw(key, values)).decode()


def verifies(key: rsa.RSAPublicKey, values: list[str], signature_b64: str) -> bool:
    try:
        raw = base64.b64decode(signature_b64, validate=True)
        key.verify(raw, "|".join(values).encode(), padding.PKCS1v15(), hashes.SHA1())  # noqa: S303
    except (InvalidSignature, binascii.Error, ValueError):
        return False
    return True
