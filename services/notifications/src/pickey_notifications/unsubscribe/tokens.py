"""Signed unsubscribe tokens: ``<user id hex>.<category>.<signature>``.

The signature is HMAC-SHA256 (``PICKEY_UNSUBSCRIBE__SIGNING_KEY``) of the purpose, the user and
the category, base64url without padding. Tokens do not expire: a link in a year-old email must
still work (RFC 8058 asks one-click links to keep working), and all it can do is turn one email
category off for one user. Every character is safe in a URL and in HTML without escaping.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import uuid
from urllib.parse import urlencode

from pydantic import SecretStr

from pickey_core.notification_categories import Category

_PURPOSE = b"pickey-unsubscribe-v1"


def _signature(key: SecretStr, user_id: uuid.UUID, category: Category) -> str:
    message = b"\n".join((_PURPOSE, user_id.hex.encode(), category.value.encode()))
    digest = hmac.new(key.get_secret_value().encode(), message, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def make_token(key: SecretStr, user_id: uuid.UUID, category: Category) -> str:
    return f"{user_id.hex}.{category.value}.{_signature(key, user_id, category)}"


def read_token(key: SecretStr, token: str) -> tuple[uuid.UUID, Category] | None:
    """The user and category a genuine token names; None for anything else."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    user_hex, category_value, signature = parts
    try:
        user_id = uuid.UUID(hex=user_hex)
        category = Category(category_value)
    except ValueError:
        return None
    if user_id.hex != user_hex:
        return None
    expected = _signature(key, user_id, category)
    if not hmac.compare_digest(signature.encode(), expected.encode()):
        return None
    return user_id, category


def unsubscribe_url(base_url: str, key: SecretStr, user_id: uuid.UUID, category: Category) -> str:
    query = urlencode({"token": make_token(key, user_id, category)})
    return f"{base_url.rstrip('/')}/unsubscribe?{query}"
