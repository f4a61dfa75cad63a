"""Mailgun webhook bodies as Mailgun sends them, signed with the sandbox's signing key (or any)."""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from typing import Any

from tests.support.sandbox import SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY

MEMBER = "member@example.cz"
BOUNCE = {"event": "failed", "severity": "permanent", "reason": "bounce", "recipient": MEMBER}


def signed(
    event_data: dict[str, Any], *, timestamp: int | None = None, key: str | None = None
) -> dict[str, Any]:
    """A webhook body signed the way Mailgun signs (with the test's signing key by default)."""
    stamp = str(timestamp if timestamp is not None else int(time.time()))
    token = uuid.uuid4().hex + uuid.uuid4().hex[:18]
    secret = (key or SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY).encode()
    signature = hmac.new(secret, (stamp + token).encode(), hashlib.sha256).hexdigest()
    return {
        "signature": {"timestamp": stamp, "token": token, "signature": signature},
        "event-data": event_data,
    }
