"""Trigger events through Pusher Channels' HTTP API (``/apps/{app_id}/events`` and
``/apps/{app_id}/batch_events``), signed as :mod:`pickey_core.providers.pusher` describes.

Like the Mailgun client, one HTTP call per method and no retries: Pusher has no idempotency key
either, so the caller's delivery ledger decides what is sent again. The limits are checked here,
before any call, so a request Pusher would refuse for its shape never leaves the process.

Status mapping:

- 2xx → done.
- 429, and 403 (app disabled or over its message quota) → :class:`ProviderRateLimited`: nothing
  was published, and trying later may work (the quota resets; an operator re-enables the app).
- other 4xx (400 bad request, 401 bad signature or key, 404 unknown app, 413 too large) →
  :class:`ProviderRejected`.
- 5xx, connection errors, timeouts → :class:`ProviderUnavailable` (may have been published).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from typing import Any

import httpx
from pydantic import BaseModel, ConfigDict, Field, field_validator

from pickey_core.providers.errors import (
    ProviderUnavailable,
    error_for_status,
    parse_retry_after,
)
from pickey_core.providers.http_client import ProviderClient
from pickey_core.providers.pusher import (
    MAX_CHANNELS_PER_EVENT,
    MAX_EVENT_DATA_BYTES,
    MAX_EVENTS_PER_BATCH,
    PusherConfig,
    is_valid_channel_name,
    signed_query,
)

PROVIDER = "pusher"
MAX_EVENT_NAME_LENGTH = 200
_MAX_ERROR_TEXT = 500
# 403: the app is disabled or over its message quota (see the module docstring).
RATE_LIMIT_STATUSES = frozenset({403, 429})


class PusherEvent(BaseModel):
    """One event on one channel (an entry of a batch call)."""

    model_config = ConfigDict(frozen=True)

    channel: str
    name: str = Field(min_length=1, max_length=MAX_EVENT_NAME_LENGTH)
    data: str = Field(description="The event's payload, a string (JSON, as Pusher clients use).")

    @field_validator("channel")
    @classmethod
    def _valid_channel(cls, value: str) -> str:
        if not is_valid_channel_name(value):
            raise ValueError(f"not a Pusher channel name: {value!r}")
        return value

    @field_validator("data")
    @classmethod
    def _small_enough(cls, value: str) -> str:
        if len(value.encode()) > MAX_EVENT_DATA_BYTES:
            raise ValueError(f"event data over {MAX_EVENT_DATA_BYTES} bytes")
        return value


def event_data(payload: dict[str, Any]) -> str:
    """The compact JSON string Pickey publishes as an event's ``data``."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


class PusherClient(ProviderClient[PusherConfig]):
    """Publishes events; see the module docs for what each failure means."""

    def __init__(self, config: PusherConfig, http: httpx.AsyncClient | None = None) -> None:
        super().__init__(config, http, config.timeout_seconds)

    def __repr__(self) -> str:
        return f"PusherClient(api_url={self._config.api_url!r}, app_id={self._config.app_id!r})"

    async def trigger(self, channels: Sequence[str], name: str, data: str) -> None:
        """Publish one event on up to 100 channels."""
        if not 1 <= len(channels) <= MAX_CHANNELS_PER_EVENT:
            raise ValueError(f"1 to {MAX_CHANNELS_PER_EVENT} channels per event")
        for channel in channels:
            PusherEvent(channel=channel, name=name, data=data)  # validates each
        await self._post("events", {"name": name, "channels": list(channels), "data": data})

    async def trigger_batch(self, events: Sequence[PusherEvent]) -> None:
        """Publish up to 10 events, each on its own channel, in one call."""
        if not 1 <= len(events) <= MAX_EVENTS_PER_BATCH:
            raise ValueError(f"1 to {MAX_EVENTS_PER_BATCH} events per batch")
        await self._post("batch_events", {"batch": [event.model_dump() for event in events]})

    async def _post(self, endpoint: str, payload: dict[str, Any]) -> None:
        path = f"/apps/{self._config.app_id}/{endpoint}"
        body = json.dumps(payload, separators=(",", ":")).encode()
        query = signed_query(self._config, "POST", path, body=body, timestamp=int(time.time()))
        try:
            response = await self._http.post(
                f"{self._config.api_url}{path}",
                params=query,
                content=body,
                headers={"Content-Type": "application/json"},
                timeout=self._config.timeout_seconds,
            )
        except httpx.TimeoutException as error:
            raise ProviderUnavailable(
                PROVIDER,
                f"no answer within {self._config.timeout_seconds:g}s ({type(error).__name__})",
            ) from error
        except httpx.TransportError as error:
            raise ProviderUnavailable(
                PROVIDER, f"cannot reach {self._config.api_url}: {type(error).__name__}: {error}"
            ) from error
        _check(response)


def _check(response: httpx.Response) -> None:
    status = response.status_code
    if response.is_success:
        return
    raise error_for_status(
        PROVIDER,
        status,
        response.text.strip()[:_MAX_ERROR_TEXT] or f"HTTP {status}",
        retry_after=parse_retry_after(response.headers.get("retry-after")),
        rate_limit_statuses=RATE_LIMIT_STATUSES,
    )
