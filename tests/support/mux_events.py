"""Mux webhook events as Mux sends them, signed the way Mux signs, written from Mux's documented
wire format and independent of the code under test."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

# The media service accepts webhooks signed with either secret (a rotation in progress).
WEBHOOK_SECRET = "whsec-current-0123456789"
PREVIOUS_WEBHOOK_SECRET = "whsec-previous-0123456789"

SIGNATURE_HEADER = "Mux-Signature"
# Every time an event builder is called without `at`, it is this much later than the last: tests
# control the order Mux "created" events in, whatever order they deliver them in.
_STEP = timedelta(milliseconds=1)


def signature(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()


def signed_headers(body: bytes, *secrets: str, timestamp: int | None = None) -> dict[str, str]:
    """``Mux-Signature: t=...,v1=...`` with one ``v1`` per secret."""
    moment = int(time.time()) if timestamp is None else timestamp
    parts = [f"t={moment}", *(f"v1={signature(s, moment, body)}" for s in secrets)]
    return {SIGNATURE_HEADER: ",".join(parts), "Content-Type": "application/json"}


def body_of(event: dict[str, Any]) -> bytes:
    return json.dumps(event, separators=(",", ":")).encode()


class EventClock:
    """Hands out increasing ``created_at`` times: event N happened before event N+1."""

    def __init__(self) -> None:
        self._now = datetime.now(UTC)

    def next(self) -> datetime:
        self._now += _STEP
        return self._now


def event(
    event_type: str,
    data: dict[str, Any],
    *,
    at: datetime,
    event_id: str | None = None,
) -> dict[str, Any]:
    object_type = event_type.split(".")[1].replace("live_stream", "live")
    return {
        "type": event_type,
        "id": event_id or str(uuid.uuid4()),
        "created_at": at.isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "object": {"type": object_type, "id": data["id"]},
        "environment": {"name": "Test", "id": "test"},
        "data": data,
    }


def upload_data(
    upload_id: str, passthrough: str, *, status: str = "asset_created", asset_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": upload_id,
        "status": status,
        "url": f"https://storage.example/{upload_id}",
        "asset_id": asset_id,
        "timeout": 3600,
        "new_asset_settings": {"playback_policies": ["signed"], "passthrough": passthrough},
    }


def asset_data(
    asset_id: str,
    *,
    status: str,
    passthrough: str | None = None,
    upload_id: str | None = None,
    live_stream_id: str | None = None,
    playback_ids: list[dict[str, str]] | None = None,
    duration: float | None = None,
    aspect_ratio: str | None = None,
    errors: dict[str, Any] | None = None,
    created_at: datetime | None = None,
) -> dict[str, Any]:
    return {
        "id": asset_id,
        "status": status,
        "passthrough": passthrough,
        "upload_id": upload_id,
        "live_stream_id": live_stream_id,
        "playback_ids": playback_ids or [],
        "duration": duration,
        "aspect_ratio": aspect_ratio,
        "errors": errors,
        "created_at": str(int((created_at or datetime.now(UTC)).timestamp())),
    }


def live_stream_data(
    live_stream_id: str, *, status: str, active_asset_id: str | None, passthrough: str
) -> dict[str, Any]:
    return {
        "id": live_stream_id,
        "status": status,
        "stream_key": "secret-stream-key",
        "active_asset_id": active_asset_id,
        "passthrough": passthrough,
        "playback_ids": [{"id": "live-playback", "policy": "signed"}],
    }
