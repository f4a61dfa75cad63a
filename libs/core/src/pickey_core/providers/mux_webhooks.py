"""Mux webhook signatures: which requests really come from Mux, and recently.

Wire facts (Mux's "verify webhook signatures" guide): the header is
``Mux-Signature: t=<unix seconds>,v1=<hex>``; ``v1`` is HMAC-SHA256, keyed with the webhook
endpoint's signing secret, over ``"<t>.<raw body>"``. Several ``v1`` values may appear (Mux
rolling its own keys); any one matching is enough. Other schemes (``v0``...) are ignored, as
Mux's own libraries do.

Our rules on top:

- The raw body is verified byte for byte, before anything parses it.
- Every comparison is constant-time (:func:`hmac.compare_digest`), against every configured
  secret: rotating the secret means adding the new one, switching Mux over, then removing the
  old one, without refusing a single event in between.
- A timestamp further than ``tolerance_seconds`` from now, in either direction, is refused even
  when the signature is right: a captured request cannot be replayed later, and a clock far off
  shows up as refusals (and in the failure counter) instead of silently accepting anything.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

SIGNATURE_HEADER = "Mux-Signature"
# Refused outside development and test by the settings base (it is in PLACEHOLDER_SECRETS); the
# sandbox signs with it by default, so `just dev` works without configuration.
PLACEHOLDER_SECRET = "sandbox"  # noqa: S105
_HEX_SHA256 = re.compile(r"^[0-9a-fA-F]{64}$")
# Unix seconds: at most 12 digits (year 33658), so a hostile header cannot make a huge integer.
_UNIX_SECONDS = re.compile(r"^[0-9]{1,12}$")
_MAX_HEADER_LENGTH = 2048


class MuxWebhookConfig(BaseModel):
    """How ``POST /webhooks/mux`` checks signatures (``PICKEY_MUX_WEBHOOK__...``)."""

    model_config = ConfigDict(frozen=True)

    secrets: SecretStr = Field(
        default=SecretStr(PLACEHOLDER_SECRET),
        description="Signing secrets of the Mux webhook endpoint, comma-separated; a request "
        "signed with any of them is accepted (to rotate: add the new one, switch Mux, remove "
        "the old one).",
    )
    tolerance_seconds: int = Field(
        default=300,
        ge=1,
        le=3600,
        description="Refuse a webhook whose signed timestamp is further than this from now "
        "(replays, skewed clocks).",
    )

    @field_validator("secrets")
    @classmethod
    def _every_secret_present(cls, value: SecretStr) -> SecretStr:
        parts = value.get_secret_value().split(",")
        if not all(part.strip() for part in parts):
            raise ValueError("every Mux webhook secret must be non-empty (comma-separated list)")
        return value

    def secret_keys(self) -> list[bytes]:
        """The configured secrets as HMAC keys, in the order given."""
        return [part.strip().encode() for part in self.secrets.get_secret_value().split(",")]


class SignatureProblem(StrEnum):
    """Why a request was refused; also the ``reason`` field of the log line."""

    MISSING = "missing"
    MALFORMED = "malformed"
    EXPIRED = "expired"
    MISMATCH = "mismatch"


class WebhookSignatureError(Exception):
    """The request is not a fresh, genuine Mux webhook. ``message`` never contains a secret."""

    def __init__(self, problem: SignatureProblem, message: str) -> None:
        super().__init__(message)
        self.problem = problem
        self.message = message


@dataclass(frozen=True)
class SignatureHeader:
    """A parsed ``Mux-Signature``: the timestamp as sent (it is signed as text) and every ``v1``."""

    timestamp: str
    signatures: tuple[str, ...]


def parse_header(value: str | None) -> SignatureHeader:
    """Read ``t=...,v1=...[,v1=...]``; raise :class:`WebhookSignatureError` if it is not that."""
    if value is None or not value.strip():
        raise WebhookSignatureError(SignatureProblem.MISSING, f"No {SIGNATURE_HEADER} header.")
    if len(value) > _MAX_HEADER_LENGTH:
        raise WebhookSignatureError(SignatureProblem.MALFORMED, "The signature header is too long.")
    timestamps: list[str] = []
    signatures: list[str] = []
    for item in value.split(","):
        key, separator, content = item.strip().partition("=")
        if not separator:
            raise WebhookSignatureError(
                SignatureProblem.MALFORMED, "The signature header is not a list of key=value."
            )
        if key == "t":
            timestamps.append(content)
        elif key == "v1":
            signatures.append(content)
    if len(timestamps) != 1 or not _UNIX_SECONDS.match(timestamps[0]):
        raise WebhookSignatureError(
            SignatureProblem.MALFORMED, "The signature header needs one t=<unix seconds>."
        )
    if not signatures or not all(_HEX_SHA256.match(signature) for signature in signatures):
        raise WebhookSignatureError(
            SignatureProblem.MALFORMED, "The signature header needs v1=<hex HMAC-SHA256> values."
        )
    return SignatureHeader(timestamps[0], tuple(signature.lower() for signature in signatures))


def sign(secret: bytes, timestamp: str, body: bytes) -> str:
    """Hex HMAC-SHA256 of ``"<timestamp>.<body>"``: what Mux puts in ``v1``."""
    return hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def verify(
    header: str | None,
    body: bytes,
    config: MuxWebhookConfig,
    *,
    now: float | None = None,
) -> int:
    """The signed Unix timestamp if ``header`` proves ``body`` came from Mux recently; raises
    :class:`WebhookSignatureError` otherwise.

    Every configured secret is tried against every ``v1`` without stopping at the first match,
    so the time taken does not tell which secret (or whether any) matched.
    """
    parsed = parse_header(header)
    matched = False
    for secret in config.secret_keys():
        expected = sign(secret, parsed.timestamp, body)
        for candidate in parsed.signatures:
            matched |= hmac.compare_digest(expected, candidate)
    if not matched:
        raise WebhookSignatureError(
            SignatureProblem.MISMATCH, "The signature does not match the body."
        )
    signed_at = int(parsed.timestamp)
    current = time.time() if now is None else now
    if abs(current - signed_at) > config.tolerance_seconds:
        raise WebhookSignatureError(
            SignatureProblem.EXPIRED,
            f"The signature's timestamp is more than {config.tolerance_seconds} s from now.",
        )
    return signed_at
