"""Mux Video's API (``https://api.mux.com``): direct uploads, assets and live streams.

Wire facts: HTTP Basic with the access token id and secret; every success is ``{"data": ...}``
and every error ``{"error": {"type": ..., "messages": [...]}}``. Mux ids are strings.

Unlike the Mailgun client this one retries, because its callers are HTTP requests with a person
waiting, not queue jobs that can come back later. What it retries depends on whether repeating
the call is safe:

- **Reads and idempotent changes** (``GET``; cancelling an upload and disabling a live stream,
  which have the same effect done twice) are retried on 429, any 5xx, timeouts and network
  failures.
- **Creates** (``POST`` an upload or a live stream) have no idempotency key at Mux: repeating one
  that Mux did act on makes a second upload or live stream. They are retried only when Mux
  certainly did not act on the first try: a 429 (refused before processing) or a failure to
  connect (nothing was sent). After a 5xx or a read timeout the outcome is unknown, so
  :class:`ProviderUnavailable` goes straight to the caller, whose transaction then rolls back.
  A stray upload expires unused at Mux (``timeout``); a stray live stream stays idle and costs
  nothing until someone streams to its key, which nobody has.

Attempts are bounded by ``max_attempts`` and spaced by exponential backoff with full jitter
(a random wait between 0 and ``backoff_base * 2**(attempt - 1)``, capped at ``backoff_max``), so
many replicas retrying together do not hit Mux in lockstep. A 429's ``Retry-After`` is honoured
when it fits under ``backoff_max``; a longer wait is the caller's decision, so the client raises
:class:`ProviderRateLimited` at once.

Status mapping: 429 → :class:`ProviderRateLimited`; other 4xx (400 invalid parameters, 401 bad
credentials, 404 unknown id) → :class:`ProviderRejected`; 5xx, timeouts and network errors →
:class:`ProviderUnavailable`.
"""

from __future__ import annotations

import asyncio
import random
from enum import StrEnum
from typing import Any, TypeVar
from urllib.parse import quote

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field, SecretStr, ValidationError, field_validator

from pickey_core.providers.errors import (
    ProviderError,
    ProviderRateLimited,
    ProviderUnavailable,
    error_for_status,
    parse_retry_after,
)
from pickey_core.providers.http_client import ProviderClient
from pickey_core.providers.mux_tokens import load_signing_key
from pickey_core.public_urls import PublicUrl

PROVIDER = "mux"
# Refused outside development and test by the settings base (it is in PLACEHOLDER_SECRETS).
PLACEHOLDER_SECRET = "sandbox"  # noqa: S105
MAX_PASSTHROUGH_LENGTH = 255
LIVE_INGEST_URL = "rtmp://global-live.mux.com:5222/app"
LIVE_INGEST_URL_RTMPS = "rtmps://global-live.mux.com:443/app"
_MAX_ERROR_TEXT = 500

logger = structlog.get_logger(__name__)
M = TypeVar("M", bound=BaseModel)


class MuxConfig(BaseModel):
    """Which Mux environment to use and how to sign playback (``PICKEY_MUX__...``).

    The defaults serve development and tests only: both secrets default to a placeholder, which
    the settings base refuses outside development and test, so a deployment must set real ones.
    With the placeholder signing key, :class:`~pickey_core.providers.mux_tokens.PlaybackSigner`
    signs with a throwaway key made at start-up (the sandbox's videos play nowhere anyway).
    Point ``base_url`` at the sandbox in development and tests.
    """

    model_config = ConfigDict(frozen=True)

    base_url: str = Field(default="https://api.mux.com", description="Mux API root.")
    token_id: str = Field(
        default="sandbox-mux-token-id",
        min_length=1,
        description="Access token id (HTTP Basic user).",
    )
    token_secret: SecretStr = Field(
        default=SecretStr(PLACEHOLDER_SECRET),
        description="Access token secret (HTTP Basic password).",
    )
    signing_key_id: str = Field(
        default="sandbox-signing-key",
        min_length=1,
        description="Id of the signing key for signed playback (the JWT `kid`).",
    )
    signing_private_key: SecretStr = Field(
        default=SecretStr(PLACEHOLDER_SECRET),
        description="The signing key's RSA private key, base64-encoded PEM as Mux gives it.",
    )
    cors_origin: PublicUrl = Field(
        default="http://127.0.0.1:5173",
        min_length=1,
        description="Origin allowed to upload to direct-upload URLs: the web app's URL.",
    )
    timeout_seconds: float = Field(default=10, gt=0, description="Per-request read timeout.")
    connect_timeout_seconds: float = Field(
        default=5, gt=0, description="Time allowed to open a connection to Mux."
    )
    max_attempts: int = Field(
        default=3,
        ge=1,
        le=10,
        description="Tries per Mux call, the first included; a create is repeated only when "
        "Mux certainly did not act on it (429, no connection).",
    )
    backoff_base_seconds: float = Field(
        default=0.25, ge=0, description="First retry waits up to this; doubles per retry."
    )
    backoff_max_seconds: float = Field(
        default=4, ge=0, description="Longest wait between tries, Retry-After included."
    )
    playback_token_ttl_seconds: int = Field(
        default=900,
        ge=60,
        le=86_400,
        description="Lifetime of signed playback and thumbnail tokens.",
    )

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("token_secret")
    @classmethod
    def _require_secret(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("the Mux token secret is empty")
        return value

    @field_validator("signing_private_key")
    @classmethod
    def _readable_signing_key(cls, value: SecretStr) -> SecretStr:
        """Read the key at start-up: a bad key should stop the process, not the first viewer."""
        if value.get_secret_value() != PLACEHOLDER_SECRET:
            load_signing_key(value.get_secret_value())
        return value

    @property
    def has_placeholder_signing_key(self) -> bool:
        return self.signing_private_key.get_secret_value() == PLACEHOLDER_SECRET


class PlaybackPolicy(StrEnum):
    PUBLIC = "public"
    SIGNED = "signed"


class _MuxObject(BaseModel):
    # Mux adds fields over time; we keep what we use and ignore the rest.
    model_config = ConfigDict(frozen=True, extra="ignore")


class PlaybackId(_MuxObject):
    id: str
    policy: str


class MuxUpload(_MuxObject):
    """A direct upload; ``status`` is waiting, asset_created, errored, cancelled or timed_out."""

    id: str
    url: str
    status: str
    timeout: int | None = None
    asset_id: str | None = None
    cors_origin: str | None = None
    new_asset_settings: dict[str, Any] = Field(default_factory=dict)


class MuxAsset(_MuxObject):
    """A video; ``status`` is preparing, ready or errored."""

    id: str
    status: str
    playback_ids: list[PlaybackId] = Field(default_factory=list)
    duration: float | None = None
    aspect_ratio: str | None = None
    passthrough: str | None = None
    upload_id: str | None = None
    errors: dict[str, Any] | None = None


class MuxLiveStream(_MuxObject):
    """A live stream; ``status`` is idle, active or disabled. The stream key is a secret."""

    id: str
    stream_key: SecretStr
    status: str
    playback_ids: list[PlaybackId] = Field(default_factory=list)
    active_asset_id: str | None = None
    passthrough: str | None = None


class MuxClient(ProviderClient[MuxConfig]):
    """Calls the Mux Video API with the retry rules in the module docs."""

    def __init__(self, config: MuxConfig, http: httpx.AsyncClient | None = None) -> None:
        self._timeout = httpx.Timeout(
            config.timeout_seconds, connect=config.connect_timeout_seconds
        )
        super().__init__(config, http, self._timeout)
        self._auth = httpx.BasicAuth(config.token_id, config.token_secret.get_secret_value())

    def __repr__(self) -> str:
        return f"MuxClient(base_url={self._config.base_url!r})"

    # --- direct uploads -------------------------------------------------------------------

    async def create_upload(
        self, *, passthrough: str, playback_policy: PlaybackPolicy, cors_origin: str | None = None
    ) -> MuxUpload:
        """A URL the browser PUTs one video file to; the asset it becomes carries
        ``passthrough`` (our asset id) and ``playback_policy``."""
        body = {
            "cors_origin": cors_origin or self._config.cors_origin,
            "new_asset_settings": {
                "playback_policies": [playback_policy.value],
                "passthrough": _checked_passthrough(passthrough),
            },
        }
        data = await self._call("POST", "/video/v1/uploads", json=body, idempotent=False)
        return _parse(MuxUpload, data)

    async def get_upload(self, upload_id: str) -> MuxUpload:
        data = await self._call("GET", f"/video/v1/uploads/{_segment(upload_id)}")
        return _parse(MuxUpload, data)

    async def cancel_upload(self, upload_id: str) -> MuxUpload:
        """Stop a waiting upload; Mux refuses (400) once the file has arrived."""
        data = await self._call("PUT", f"/video/v1/uploads/{_segment(upload_id)}/cancel")
        return _parse(MuxUpload, data)

    # --- assets ---------------------------------------------------------------------------

    async def get_asset(self, asset_id: str) -> MuxAsset:
        data = await self._call("GET", f"/video/v1/assets/{_segment(asset_id)}")
        return _parse(MuxAsset, data)

    # --- live streams ---------------------------------------------------------------------

    async def create_live_stream(
        self, *, passthrough: str, playback_policy: PlaybackPolicy
    ) -> MuxLiveStream:
        """A live stream whose broadcasts play under ``playback_policy`` and are recorded as
        assets with the same policy and ``passthrough``."""
        checked = _checked_passthrough(passthrough)
        body = {
            "playback_policies": [playback_policy.value],
            "passthrough": checked,
            "new_asset_settings": {
                "playback_policies": [playback_policy.value],
                "passthrough": checked,
            },
        }
        data = await self._call("POST", "/video/v1/live-streams", json=body, idempotent=False)
        return _parse(MuxLiveStream, data)

    async def get_live_stream(self, live_stream_id: str) -> MuxLiveStream:
        data = await self._call("GET", f"/video/v1/live-streams/{_segment(live_stream_id)}")
        return _parse(MuxLiveStream, data)

    async def disable_live_stream(self, live_stream_id: str) -> None:
        """Refuse further broadcasts to the stream key (Mux answers ``{"data": {}}``)."""
        await self._call("PUT", f"/video/v1/live-streams/{_segment(live_stream_id)}/disable")

    # --- transport ------------------------------------------------------------------------

    async def _call(
        self, method: str, path: str, *, json: Any = None, idempotent: bool = True
    ) -> Any:
        """The ``data`` of Mux's answer, after the retries the module docs describe."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return await self._attempt(method, path, json)
            except ProviderError as error:
                if not _retryable(error, idempotent) or attempt >= self._config.max_attempts:
                    raise
                delay = self._delay(attempt, error)
                if delay is None:
                    raise
                logger.warning(
                    "mux call failed; retrying",
                    method=method,
                    path=path,
                    attempt=attempt,
                    status_code=error.status_code,
                    error=error.message,
                    delay_seconds=round(delay, 3),
                )
                await asyncio.sleep(delay)

    async def _attempt(self, method: str, path: str, json: Any) -> Any:
        """One try: the answer's ``data``, or a :class:`ProviderError`."""
        try:
            response = await self._http.request(
                method,
                self._config.base_url + path,
                json=json,
                auth=self._auth,
                timeout=self._timeout,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as error:
            raise _NotSent(
                PROVIDER, f"cannot reach {self._config.base_url} ({type(error).__name__})"
            ) from error
        except httpx.TimeoutException as error:
            raise ProviderUnavailable(
                PROVIDER,
                f"no answer within {self._config.timeout_seconds:g}s ({type(error).__name__})",
            ) from error
        except httpx.TransportError as error:
            raise ProviderUnavailable(
                PROVIDER,
                f"connection to {self._config.base_url} failed ({type(error).__name__})",
            ) from error
        if not response.is_success:
            raise _failure(response)
        return _data(response)

    def _delay(self, attempt: int, error: ProviderError) -> float | None:
        """Seconds to wait before try ``attempt + 1``; None when Mux asked for longer."""
        cap = self._config.backoff_max_seconds
        ceiling = min(cap, self._config.backoff_base_seconds * 2 ** (attempt - 1))
        backoff = random.uniform(0, ceiling)  # noqa: S311 (jitter, not a secret)
        if isinstance(error, ProviderRateLimited) and error.retry_after is not None:
            if error.retry_after > cap:
                return None
            return max(error.retry_after, backoff)
        return backoff


class _NotSent(ProviderUnavailable):
    """The request never left this process (no connection): repeating it cannot duplicate."""


def _retryable(error: ProviderError, idempotent: bool) -> bool:
    if isinstance(error, ProviderRateLimited | _NotSent):
        return True
    return idempotent and isinstance(error, ProviderUnavailable)


def _checked_passthrough(passthrough: str) -> str:
    if not passthrough or len(passthrough) > MAX_PASSTHROUGH_LENGTH:
        raise ValueError(f"passthrough must be 1 to {MAX_PASSTHROUGH_LENGTH} characters")
    return passthrough


def _segment(identifier: str) -> str:
    """A Mux id as one path segment: an id can never reach another endpoint."""
    if not identifier:
        raise ValueError("a Mux id must not be empty")
    return quote(identifier, safe="")


def _data(response: httpx.Response) -> Any:
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    if not isinstance(body, dict) or "data" not in body:
        raise ProviderUnavailable(
            PROVIDER, "answer without a data envelope", status_code=response.status_code
        )
    return body["data"]


def _parse(model: type[M], data: Any) -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise ProviderUnavailable(
            PROVIDER, f"unexpected {model.__name__} in the answer: {error.error_count()} problem(s)"
        ) from error


def _failure(response: httpx.Response) -> ProviderError:
    return error_for_status(
        PROVIDER,
        response.status_code,
        _error_message(response),
        retry_after=parse_retry_after(response.headers.get("retry-after")),
    )


def _error_message(response: httpx.Response) -> str:
    """``type: message; message`` from Mux's error body, or the plain text of a proxy's page."""
    try:
        body = response.json()
    except (ValueError, UnicodeDecodeError):
        body = None
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        messages = error.get("messages")
        texts = [str(item) for item in messages] if isinstance(messages, list) else []
        kind = error.get("type")
        joined = "; ".join(texts)
        text = f"{kind}: {joined}" if kind and joined else str(kind or joined)
        if text:
            return text[:_MAX_ERROR_TEXT]
    text = response.text.strip()
    if text:
        return text[:_MAX_ERROR_TEXT]
    return response.reason_phrase or f"HTTP {response.status_code}"
