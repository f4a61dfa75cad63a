"""Send e-mail through Mailgun's HTTP API (``POST /v3/{domain}/messages``).

The client makes exactly one HTTP call per :meth:`MailgunClient.send` and never retries: the
caller (a queue job) owns retries and, because Mailgun has no idempotency key, deduplication.
A :class:`ProviderUnavailable` from a timeout therefore does not mean "not sent".

Status mapping:

- 2xx → the message id, e.g. ``<20250101120000.abc@mg.pickey.cz>`` (angle brackets included;
  webhooks report it without them).
- 429 → :class:`ProviderRateLimited`. Mailgun also answers 420 with the same
  "not allowed to send: ..., try again after <date>" body for per-domain sending limits; that is a
  limit too, not a permanent refusal, so it maps to :class:`ProviderRateLimited` as well.
- other 4xx (400 bad field, 401 ``Forbidden``, 404 unknown domain) → :class:`ProviderRejected`.
- 5xx, connection errors, timeouts → :class:`ProviderUnavailable`.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from email.utils import parseaddr
from typing import Any, Self

import httpx
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationInfo,
    field_validator,
    model_validator,
)

from pickey_core.providers.errors import (
    ProviderRateLimited,
    ProviderUnavailable,
    error_for_status,
    parse_http_date,
    parse_retry_after,
    seconds_until,
)
from pickey_core.providers.http_client import ProviderClient

PROVIDER = "mailgun"
MAX_TAGS = 3
MAX_RECIPIENTS = 1_000
RATE_LIMIT_STATUSES = frozenset({420, 429})
_TRY_AGAIN_AFTER = re.compile(r"try again after\s+(?P<date>.+?)\s*\.?\s*$", re.IGNORECASE)
_MAX_ERROR_TEXT = 500


class MailgunConfig(BaseModel):
    """Which Mailgun account and domain to send from. Point ``base_url`` at the sandbox in tests."""

    model_config = ConfigDict(frozen=True)

    base_url: str = Field(
        default="https://api.eu.mailgun.net",
        description="API root: api.eu.mailgun.net for EU domains, api.mailgun.net for US ones.",
    )
    domain: str = Field(min_length=1, description="The sending domain, e.g. mg.pickey.cz.")
    api_key: SecretStr = Field(description="Private API key (HTTP Basic password for `api`).")
    sender: str = Field(
        default="",
        validate_default=True,
        description="Default From; empty means `Pickey <noreply@{domain}>`.",
    )
    timeout_seconds: float = Field(default=10, gt=0, description="Per-request timeout.")

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @field_validator("api_key")
    @classmethod
    def _require_api_key(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("the Mailgun API key is empty")
        return value

    @field_validator("sender")
    @classmethod
    def _default_sender(cls, value: str, info: ValidationInfo) -> str:
        if value.strip():
            return value.strip()
        domain = info.data.get("domain")
        return f"Pickey <noreply@{domain}>" if domain else value

    @property
    def messages_url(self) -> str:
        return f"{self.base_url}/v3/{self.domain}/messages"

    @property
    def events_url(self) -> str:
        return f"{self.base_url}/v3/{self.domain}/events"


class EmailMessage(BaseModel):
    """One send call. Several recipients require ``recipient_variables`` (see the validator)."""

    model_config = ConfigDict(frozen=True)

    to: list[str] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    subject: str
    text: str | None = None
    html: str | None = None
    headers: dict[str, str] = Field(
        default_factory=dict, description="Extra MIME headers, e.g. {'X-Pickey-Kind': 'welcome'}."
    )
    variables: dict[str, str] = Field(
        default_factory=dict, description="Custom variables; Mailgun echoes them in webhooks."
    )
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    recipient_variables: dict[str, dict[str, str]] | None = Field(
        default=None,
        description="Per-recipient values for %recipient.name% placeholders, keyed by address. "
        "Their presence makes Mailgun send each recipient a separate copy.",
    )
    sender: str | None = Field(default=None, description="From; the config's sender if unset.")

    @model_validator(mode="after")
    def _check_body(self) -> Self:
        if self.text is None and self.html is None:
            raise ValueError("an e-mail needs text, html or both")
        return self

    @model_validator(mode="after")
    def _refuse_shared_recipient_list(self) -> Self:
        """Without recipient-variables every recipient sees every other address in To: for fans
        of a creator that is a personal-data leak, so several recipients must be a batch send."""
        if len(self.to) > 1 and self.recipient_variables is None:
            raise ValueError(
                "several recipients without recipient_variables would show every address to "
                "everyone; pass recipient_variables (an empty dict per address is enough)"
            )
        return self

    def form_fields(self, default_sender: str) -> list[tuple[str, str]]:
        """The form Mailgun expects, repeated fields as repeated pairs, in a stable order."""
        fields: list[tuple[str, str]] = [("from", self.sender or default_sender)]
        fields += [("to", recipient) for recipient in self.to]
        fields.append(("subject", self.subject))
        if self.text is not None:
            fields.append(("text", self.text))
        if self.html is not None:
            fields.append(("html", self.html))
        fields += [(f"h:{name}", value) for name, value in self.headers.items()]
        fields += [(f"v:{name}", str(value)) for name, value in self.variables.items()]
        fields += [("o:tag", tag) for tag in self.tags]
        if self.recipient_variables is not None:
            fields.append(("recipient-variables", json.dumps(self.recipient_variables)))
        return fields


class MailgunClient(ProviderClient[MailgunConfig]):
    """Sends :class:`EmailMessage` objects with one HTTP call each; see the module docs."""

    def __init__(self, config: MailgunConfig, http: httpx.AsyncClient | None = None) -> None:
        super().__init__(config, http, config.timeout_seconds)

    def __repr__(self) -> str:
        return f"MailgunClient(base_url={self._config.base_url!r}, domain={self._config.domain!r})"

    async def send(self, message: EmailMessage) -> str:
        """Queue ``message`` at Mailgun and return Mailgun's message id."""
        try:
            response = await self._http.post(
                self._config.messages_url,
                data=_as_multi_dict(message.form_fields(self._config.sender)),
                auth=httpx.BasicAuth("api", self._config.api_key.get_secret_value()),
                timeout=self._config.timeout_seconds,
            )
        except httpx.TimeoutException as error:
            raise ProviderUnavailable(
                PROVIDER,
                f"no answer within {self._config.timeout_seconds:g}s ({type(error).__name__})",
            ) from error
        except httpx.TransportError as error:
            raise ProviderUnavailable(
                PROVIDER, f"cannot reach {self._config.base_url}: {type(error).__name__}: {error}"
            ) from error
        return _message_id(response)

    async def accepted(self, variables: dict[str, str]) -> list[AcceptedCopy]:
        """Every recipient Mailgun accepted a message for whose ``v:`` variables include
        ``variables``: ``GET /v3/{domain}/events?event=accepted&user-variables=...``, following
        ``paging.next`` until a page comes back empty. Raises :class:`ProviderUnavailable` when
        Mailgun cannot answer (then nobody knows yet, and nothing may be sent)."""
        params: dict[str, str] | None = {
            "event": "accepted",
            "user-variables": json.dumps(variables, separators=(",", ":")),
            "begin": str(int(time.time()) - EVENTS_LOOKBACK_SECONDS),
            "ascending": "yes",
            "limit": str(_EVENTS_PAGE_LIMIT),
        }
        url = self._config.events_url
        found: list[AcceptedCopy] = []
        for _ in range(_MAX_EVENT_PAGES):
            body = await self._get_events(url, params)
            items = body.get("items") or []
            for item in items:
                message_id = ((item.get("message") or {}).get("headers") or {}).get("message-id")
                recipient = str(item.get("recipient", "")).strip().lower()
                if recipient and message_id:
                    found.append(
                        AcceptedCopy(parseaddr(recipient)[1] or recipient, f"<{message_id}>")
                    )
            following = (body.get("paging") or {}).get("next")
            if not items or not isinstance(following, str):
                return found
            url, params = following, None
        raise ProviderUnavailable(
            PROVIDER, f"events query did not end after {_MAX_EVENT_PAGES} pages"
        )

    async def _get_events(self, url: str, params: dict[str, str] | None) -> dict[str, Any]:
        try:
            response = await self._http.get(
                url,
                params=params,
                auth=httpx.BasicAuth("api", self._config.api_key.get_secret_value()),
                timeout=self._config.timeout_seconds,
            )
        except httpx.TransportError as error:
            raise ProviderUnavailable(
                PROVIDER, f"events query failed: {type(error).__name__}: {error}"
            ) from error
        if response.status_code in RATE_LIMIT_STATUSES:
            message = _error_message(response)
            raise ProviderRateLimited(
                PROVIDER, message, status_code=429, retry_after=_retry_after(response, message)
            )
        if not response.is_success:
            # Even a 4xx leaves the question open: never treat "could not ask" as "not sent".
            raise ProviderUnavailable(
                PROVIDER,
                f"events query: {_error_message(response)}",
                status_code=response.status_code,
            )
        try:
            body: Any = response.json()
        except ValueError as error:
            raise ProviderUnavailable(PROVIDER, "events query answered no JSON") from error
        return body if isinstance(body, dict) else {}


@dataclass(frozen=True)
class AcceptedCopy:
    """One recipient of an accepted call, as the events API reports it."""

    recipient: str  # bare address, lower-cased
    message_id: str  # angle brackets included, as the send call answers it


# How far back the events API is searched for a call whose answer was lost (Mailgun keeps
# events for days; the question is asked within minutes of the call).
EVENTS_LOOKBACK_SECONDS = 3 * 24 * 3600
_EVENTS_PAGE_LIMIT = 300
_MAX_EVENT_PAGES = 50


def _as_multi_dict(fields: list[tuple[str, str]]) -> dict[str, str | list[str]]:
    """httpx sends a list value as a repeated field: ``to=a&to=b``."""
    grouped: dict[str, list[str]] = {}
    for name, value in fields:
        grouped.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in grouped.items()}


def _message_id(response: httpx.Response) -> str:
    status = response.status_code
    if response.is_success:
        message_id = _json_field(response, "id")
        if message_id:
            return message_id
        raise ProviderUnavailable(
            PROVIDER,
            "answer without a message id; the message may or may not be queued",
            status_code=status,
        )
    message = _error_message(response)
    raise error_for_status(
        PROVIDER,
        status,
        message,
        retry_after=_retry_after(response, message),
        rate_limit_statuses=RATE_LIMIT_STATUSES,
    )


def _retry_after(response: httpx.Response, message: str) -> float | None:
    """Prefer the Retry-After header; else Mailgun's "try again after <date>" in the message."""
    from_header = parse_retry_after(response.headers.get("retry-after"))
    if from_header is not None:
        return from_header
    match = _TRY_AGAIN_AFTER.search(message)
    moment = parse_http_date(match.group("date")) if match else None
    return None if moment is None else seconds_until(moment)


def _error_message(response: httpx.Response) -> str:
    """Mailgun's ``message`` field, or the plain body (401 answers ``Forbidden`` as text)."""
    from_json = _json_field(response, "message")
    if from_json:
        return from_json
    text = response.text.strip()
    return (
        text[:_MAX_ERROR_TEXT] if text else response.reason_phrase or f"HTTP {response.status_code}"
    )


def _json_field(response: httpx.Response, name: str) -> str | None:
    try:
        body: Any = response.json()
    except (ValueError, UnicodeDecodeError):
        return None
    value = body.get(name) if isinstance(body, dict) else None
    return value if isinstance(value, str) else None
