"""Mailgun's webhook signature: hex HMAC-SHA256, keyed with the webhook signing key, of the
timestamp followed by the token (no separator), compared in constant time."""

from __future__ import annotations

import hashlib
import hmac
import re

from pydantic import SecretStr

TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
TOKEN = re.compile(r"^[A-Za-z0-9]{10,255}$")
SIGNATURE = re.compile(r"^[0-9a-f]{64}$")


def expected(key: SecretStr, timestamp: str, token: str) -> str:
    message = (timestamp + token).encode()
    return hmac.new(key.get_secret_value().encode(), message, hashlib.sha256).hexdigest()


def is_valid(key: SecretStr, timestamp: str, token: str, signature: str) -> bool:
    """Whether the three fields are well formed and the signature is ours (Mailgun's)."""
    if not (
        TIMESTAMP.fullmatch(timestamp) and TOKEN.fullmatch(token) and SIGNATURE.fullmatch(signature)
    ):
        return False
    return hmac.compare_digest(signature.encode(), expected(key, timestamp, token).encode())
