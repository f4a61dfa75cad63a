"""Pusher's request authentication, implemented from its documented wire format (not from
Pickey's client, so the sandbox checks the client instead of agreeing with it by construction).

A request carries ``auth_key``, ``auth_timestamp``, ``auth_version=1.0``, ``body_md5`` (hex MD5
of the body, required when there is a body) and ``auth_signature``: hex HMAC-SHA256 with the
app secret of ``"<METHOD>\\n<path>\\n<query>"``, where the query is every parameter but
``auth_signature``, keys lower-cased, sorted by key, joined as ``k=v`` with ``&``, not escaped.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

TIMESTAMP_TOLERANCE_SECONDS = 600
AUTH_VERSION = "1.0"


class AuthenticationFailed(Exception):
    """Pusher answers 401 with a short plain-text reason."""


def string_to_sign(method: str, path: str, query: Mapping[str, str]) -> str:
    pairs = sorted((key.lower(), value) for key, value in query.items() if key != "auth_signature")
    return f"{method.upper()}\n{path}\n" + "&".join(f"{key}={value}" for key, value in pairs)


def expected_signature(secret: str, method: str, path: str, query: Mapping[str, str]) -> str:
    message = string_to_sign(method, path, query).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def authenticate(
    *,
    key: str,
    secret: str,
    method: str,
    path: str,
    query: Mapping[str, str],
    body: bytes,
    now: float,
) -> None:
    """Raise :class:`AuthenticationFailed` unless the request is signed by this app, recently,
    over this very body."""
    for required in ("auth_key", "auth_timestamp", "auth_version", "auth_signature"):
        if not query.get(required):
            raise AuthenticationFailed(f"Missing parameter: {required}")
    if not hmac.compare_digest(query["auth_key"].encode(), key.encode()):
        raise AuthenticationFailed("Unknown auth_key")
    if query["auth_version"] != AUTH_VERSION:
        raise AuthenticationFailed(f"Unsupported auth_version (expected {AUTH_VERSION})")
    try:
        timestamp = int(query["auth_timestamp"])
    except ValueError:
        raise AuthenticationFailed("auth_timestamp is not a number") from None
    if abs(now - timestamp) > TIMESTAMP_TOLERANCE_SECONDS:
        raise AuthenticationFailed(
            f"Timestamp expired: Given timestamp ({timestamp}) not within "
            f"{TIMESTAMP_TOLERANCE_SECONDS}s of server time ({int(now)})"
        )
    if body:
        digest = hashlib.md5(body).hexdigest()  # noqa: S324 - Pusher's protocol
        if not hmac.compare_digest(query.get("body_md5", "").encode(), digest.encode()):
            raise AuthenticationFailed("body_md5 does not match the body")
    expected = expected_signature(secret, method, path, query)
    if not hmac.compare_digest(query["auth_signature"].encode(), expected.encode()):
        # Pusher's own answer shows what it signed (never the secret), to help debugging.
        signed = string_to_sign(method, path, query)
        raise AuthenticationFailed(
            f"Invalid signature: Expected HMAC SHA256 hex digest of {signed!r}"
        )
