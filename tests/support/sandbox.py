"""Pytest plugin: the provider sandbox as a real process, and helpers to look inside it.

Enable with ``pytest_plugins = ["tests.support.sandbox"]``. ``sandbox_url`` starts
``python -m pickey_sandbox`` once per test session, i.e. once per xdist worker, each on its own
free port. ``mailgun_sandbox`` empties the fake Mailgun before a test and returns a
:class:`MailgunSandbox` to read what was sent and to inject failures, all over HTTP.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.support.processes import free_port, python_command, running

SANDBOX_MAILGUN_API_KEY = "sandbox-mailgun-key"
SANDBOX_MAILGUN_DOMAIN = "mg.pickey.test"
SANDBOX_MAILGUN_OTHER_DOMAIN = "mg2.pickey.test"
SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY = "test-mailgun-webhook-signing-key"
SANDBOX_PUSHER_APP_ID = "4242"
SANDBOX_PUSHER_KEY = "test-pusher-key"
SANDBOX_PUSHER_SECRET = "test-pusher-secret-0123456789"


@pytest.fixture(scope="session")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Base URL (no trailing slash) of a sandbox process private to this test worker."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    # Explicit values, so a developer's own PICKEY_SANDBOX_* or .env cannot change what tests see.
    env = {
        "PICKEY_SANDBOX_MAILGUN_API_KEY": SANDBOX_MAILGUN_API_KEY,
        "PICKEY_SANDBOX_MAILGUN_DOMAINS": json.dumps(
            [SANDBOX_MAILGUN_DOMAIN, SANDBOX_MAILGUN_OTHER_DOMAIN]
        ),
        # No webhooks unless a test points them at its own receiver (a developer's media
        # service on the default port must never get a test's events).
        "PICKEY_SANDBOX_MUX_WEBHOOK_URL": "",
        "PICKEY_SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY": SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY,
        "PICKEY_SANDBOX_PUSHER_APP_ID": SANDBOX_PUSHER_APP_ID,
        "PICKEY_SANDBOX_PUSHER_KEY": SANDBOX_PUSHER_KEY,
        "PICKEY_SANDBOX_PUSHER_SECRET": SANDBOX_PUSHER_SECRET,
    }
    log_path = tmp_path_factory.mktemp("sandbox") / "sandbox.log"
    with running(
        python_command("pickey_sandbox", "--host", "127.0.0.1", "--port", str(port)),
        env=env,
        log_path=log_path,
        ready_url=f"{url}/livez",
    ):
        yield url


class MailgunSandbox:
    """Read the fake Mailgun's inbox and steer its failures, the way a test would by hand."""

    def __init__(self, base_url: str, http: httpx.Client) -> None:
        self.base_url = base_url
        self.api_key = SANDBOX_MAILGUN_API_KEY
        self.domain = SANDBOX_MAILGUN_DOMAIN
        self._http = http

    @property
    def messages_url(self) -> str:
        """The real-API sending URL for the default domain."""
        return f"{self.base_url}/v3/{self.domain}/messages"

    def messages(self, to: str | None = None) -> list[dict[str, Any]]:
        """Accepted messages, oldest first; only those for ``to`` when given."""
        params = {"to": to} if to is not None else None
        response = self._http.get("/sandbox/mailgun/messages", params=params)
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result

    def message(self, message_id: str) -> dict[str, Any]:
        response = self._http.get(f"/sandbox/mailgun/messages/{quote(message_id, safe='')}")
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def fail_next(
        self,
        count: int,
        status: int,
        *,
        retry_after_seconds: float | None = None,
        retry_after_header: bool = True,
    ) -> None:
        """Make the next ``count`` send calls answer ``status`` (429: with a reset time)."""
        self.set_faults(
            fail_next=count,
            status=status,
            retry_after_seconds=retry_after_seconds,
            retry_after_header=retry_after_header,
        )

    def delay(self, seconds: float) -> None:
        """Make every accepted send wait ``seconds`` before answering, until cleared."""
        self.set_faults(delay_seconds=seconds)

    def set_faults(self, **plan: Any) -> dict[str, Any]:
        """Post a whole fault plan (it replaces the current one); returns the plan as stored."""
        response = self._http.post("/sandbox/mailgun/faults", json=plan)
        response.raise_for_status()
        result: dict[str, Any] = response.json()
        return result

    def clear_faults(self) -> None:
        self._http.delete("/sandbox/mailgun/faults").raise_for_status()

    def clear(self) -> None:
        """Forget every message, fault and registered webhook."""
        self._http.delete("/sandbox/mailgun/messages").raise_for_status()

    def stats(self) -> dict[str, int]:
        """Send calls received, accepted, and the copies they made, since the last clear."""
        response = self._http.get("/sandbox/mailgun/stats")
        response.raise_for_status()
        result: dict[str, int] = response.json()
        return result

    def deliveries(self, to: str) -> list[dict[str, Any]]:
        """Every copy ``to`` received (batch sends included), personalised as they saw it."""
        return [
            delivery
            for message in self.messages(to=to)
            for delivery in message["deliveries"]
            if to.lower() in delivery["recipient"].lower()
        ]

    def register_webhook(self, event: str, url: str) -> None:
        """Point one of Mailgun's webhooks (``permanent_fail``, ``complained``...) at ``url``,
        through Mailgun's own domains API."""
        response = self._http.post(
            f"/v3/domains/{self.domain}/webhooks",
            data={"id": event, "url": url},
            auth=("api", self.api_key),
        )
        response.raise_for_status()

    def send_event(self, message_id: str, recipient: str, event: str, **fields: Any) -> Any:
        """Make ``event`` happen to ``recipient`` of a sent message; the sandbox posts the signed
        webhook and returns what each receiver answered (with the payload, for replays)."""
        response = self._http.post(
            "/sandbox/mailgun/events",
            json={"message_id": message_id, "recipient": recipient, "event": event, **fields},
        )
        response.raise_for_status()
        return response.json()


class PusherSandbox:
    """Read the events the fake Pusher published and steer its failures, over HTTP."""

    def __init__(self, base_url: str, http: httpx.Client) -> None:
        self.base_url = base_url
        self.app_id = SANDBOX_PUSHER_APP_ID
        self.key = SANDBOX_PUSHER_KEY
        self.secret = SANDBOX_PUSHER_SECRET
        self._http = http

    def events(self, channel: str | None = None, name: str | None = None) -> list[dict[str, Any]]:
        params = {key: value for key, value in (("channel", channel), ("name", name)) if value}
        response = self._http.get("/sandbox/pusher/events", params=params)
        response.raise_for_status()
        result: list[dict[str, Any]] = response.json()
        return result

    def stats(self) -> dict[str, int]:
        response = self._http.get("/sandbox/pusher/stats")
        response.raise_for_status()
        result: dict[str, int] = response.json()
        return result

    def fail_next(self, count: int, status: int, *, retry_after_seconds: int | None = None) -> None:
        self._http.post(
            "/sandbox/pusher/faults",
            json={"fail_next": count, "status": status, "retry_after_seconds": retry_after_seconds},
        ).raise_for_status()

    def clear(self) -> None:
        self._http.delete("/sandbox/pusher/events").raise_for_status()


@pytest.fixture
def pusher_sandbox(sandbox_url: str) -> Iterator[PusherSandbox]:
    """An emptied fake Pusher (no events, counters at zero, no faults) for one test."""
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        sandbox = PusherSandbox(sandbox_url, http)
        sandbox.clear()
        yield sandbox


@pytest.fixture
def mailgun_sandbox(sandbox_url: str) -> Iterator[MailgunSandbox]:
    """An emptied fake Mailgun (no messages, no faults) for one test."""
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        sandbox = MailgunSandbox(sandbox_url, http)
        sandbox.clear()
        yield sandbox
