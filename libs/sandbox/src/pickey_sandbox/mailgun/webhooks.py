"""The fake Mailgun's webhooks: URLs registered per domain and event type through Mailgun's
domain webhooks API, and events sent to them signed the way Mailgun signs.

Signing (Mailgun's documented scheme, written from the wire facts): the JSON body carries
``"signature": {"timestamp", "token", "signature"}`` where ``signature`` is the hex
HMAC-SHA256, keyed with the webhook signing key, of ``timestamp + token`` (no separator). Every
POST gets a fresh 50-character token and the current timestamp.

Events are sent when a developer or a test asks (``POST /sandbox/mailgun/events``): a bounce, a
complaint or an unsubscribe of one recipient of a stored message. One attempt per URL; the
answer of each is reported back (Mailgun itself retries non-2xx for hours, 406 excepted).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import string
import threading
import time
import uuid
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field

from pickey_sandbox.mailgun.store import StoredMessage, bare_address

# Mailgun's webhook ids (the event types one can subscribe a URL to).
WEBHOOK_IDS = (
    "accepted",
    "clicked",
    "complained",
    "delivered",
    "opened",
    "permanent_fail",
    "temporary_fail",
    "unsubscribed",
)
MAX_URLS_PER_WEBHOOK = 3
TOKEN_LENGTH = 50
_TOKEN_ALPHABET = string.ascii_lowercase + string.digits


class EventRequest(BaseModel):
    """What happened to one recipient of a stored message."""

    model_config = ConfigDict(extra="forbid")

    message_id: str = Field(description="The message id Mailgun returned (brackets optional).")
    recipient: str
    event: Literal["delivered", "failed", "complained", "unsubscribed"]
    severity: Literal["permanent", "temporary"] = Field(
        default="permanent", description="For `failed`: a hard bounce or a deferral."
    )
    reason: str = Field(default="bounce", description="For `failed`: Mailgun's reason.")


class Attempt(BaseModel):
    url: str
    status_code: int | None = None
    error: str | None = None
    payload: dict[str, Any] = Field(description="The JSON body sent (to replay it in tests).")


class SentEvent(BaseModel):
    webhook: str
    attempts: list[Attempt]


def webhook_id(request: EventRequest) -> str:
    if request.event == "failed":
        return "permanent_fail" if request.severity == "permanent" else "temporary_fail"
    return request.event


def sign(signing_key: str, timestamp: str, token: str) -> str:
    return hmac.new(signing_key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()


def new_token() -> str:
    return "".join(secrets.choice(_TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def event_data(message: StoredMessage, request: EventRequest, now: float) -> dict[str, Any]:
    """The ``event-data`` object Mailgun posts for this event."""
    recipient = bare_address(request.recipient)
    data: dict[str, Any] = {
        "id": uuid.uuid4().hex,
        "event": request.event,
        "timestamp": now,
        "recipient": recipient,
        "recipient-domain": recipient.rpartition("@")[2],
        "tags": list(message.tags),
        "user-variables": dict(message.variables),
        "message": {
            "headers": {
                "message-id": message.id.strip("<>"),
                "from": message.sender,
                "to": recipient,
                "subject": message.subject or "",
            }
        },
    }
    if request.event == "failed":
        data["severity"] = request.severity
        data["reason"] = request.reason
        code = 550 if request.severity == "permanent" else 451
        data["delivery-status"] = {
            "code": code,
            "message": "Sandbox: mailbox unavailable"
            if code == 550
            else "Sandbox: try again later",
        }
    return data


def signed_payload(signing_key: str, data: dict[str, Any]) -> dict[str, Any]:
    timestamp, token = str(int(time.time())), new_token()
    return {
        "signature": {
            "timestamp": timestamp,
            "token": token,
            "signature": sign(signing_key, timestamp, token),
        },
        "event-data": data,
    }


class WebhookRegistry:
    """URLs per (domain, webhook id), as ``/v3/domains/{domain}/webhooks`` manages them."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._urls: dict[tuple[str, str], list[str]] = {}

    def get(self, domain: str, webhook: str) -> list[str]:
        with self._lock:
            return list(self._urls.get((domain.lower(), webhook), []))

    def all(self, domain: str) -> dict[str, list[str]]:
        with self._lock:
            return {
                webhook: list(urls)
                for (owner, webhook), urls in self._urls.items()
                if owner == domain.lower()
            }

    def put(self, domain: str, webhook: str, urls: list[str]) -> None:
        with self._lock:
            self._urls[(domain.lower(), webhook)] = list(urls)

    def delete(self, domain: str, webhook: str) -> bool:
        with self._lock:
            return self._urls.pop((domain.lower(), webhook), None) is not None

    def clear(self) -> None:
        with self._lock:
            self._urls.clear()


async def send(urls: list[str], payloads: list[dict[str, Any]]) -> list[Attempt]:
    """POST each payload to its URL once; report what each receiver answered."""
    attempts = []
    async with httpx.AsyncClient(timeout=10) as http:
        for url, payload in zip(urls, payloads, strict=True):
            try:
                response = await http.post(url, json=payload)
            except httpx.HTTPError as error:
                attempts.append(
                    Attempt(url=url, error=f"{type(error).__name__}: {error}", payload=payload)
                )
                continue
            attempts.append(Attempt(url=url, status_code=response.status_code, payload=payload))
    return attempts
