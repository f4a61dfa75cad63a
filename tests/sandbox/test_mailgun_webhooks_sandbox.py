"""The fake Mailgun's webhooks: registered through Mailgun's domains API, sent signed the way
Mailgun signs (HMAC-SHA256 of timestamp + token with the webhook signing key), one fresh token
per request, carrying the message's id and ``v:`` variables."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from tests.support.sandbox import SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY, MailgunSandbox


class Inbox:
    """A receiver that records JSON bodies and answers 200 (or what ``status`` says)."""

    def __init__(self) -> None:
        self.bodies: list[dict[str, Any]] = []
        self.status = 200
        self.url = ""


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    received = Inbox()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            received.bodies.append(json.loads(self.rfile.read(length)))
            self.send_response(received.status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    received.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/mailgun"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def http(sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_url, timeout=10) as client:
        yield client


def send_batch(http: httpx.Client, sandbox: MailgunSandbox) -> dict[str, Any]:
    response = http.post(
        f"/v3/{sandbox.domain}/messages",
        auth=("api", sandbox.api_key),
        data={
            "from": "Pickey <noreply@mg.pickey.test>",
            "to": ["jana@example.cz", "petr@example.cz"],
            "subject": "Nový příspěvek",
            "text": "Ahoj %recipient.name%",
            "v:kind": "new_post",
            "v:category": "new_post",
            "o:tag": "new_post",
            "recipient-variables": json.dumps(
                {"jana@example.cz": {"name": "Jana"}, "petr@example.cz": {"name": "Petr"}}
            ),
        },
    )
    response.raise_for_status()
    return sandbox.message(response.json()["id"])


def test_a_registered_webhook_receives_signed_events(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox, inbox: Inbox
) -> None:
    message = send_batch(http, mailgun_sandbox)
    mailgun_sandbox.register_webhook("permanent_fail", inbox.url)

    first = mailgun_sandbox.send_event(message["id"], "PETR@example.cz", "failed")
    second = mailgun_sandbox.send_event(message["id"], "petr@example.cz", "failed")

    assert first["webhook"] == "permanent_fail"
    assert [a["status_code"] for a in first["attempts"] + second["attempts"]] == [200, 200]
    assert len(inbox.bodies) == 2
    tokens = set()
    for body in inbox.bodies:
        signature = body["signature"]
        expected = hmac.new(
            SANDBOX_MAILGUN_WEBHOOK_SIGNING_KEY.encode(),
            (signature["timestamp"] + signature["token"]).encode(),
            hashlib.sha256,
        ).hexdigest()
        assert signature["signature"] == expected
        assert len(signature["token"]) == 50
        tokens.add(signature["token"])
    assert len(tokens) == 2  # a fresh token per request
    data = inbox.bodies[0]["event-data"]
    assert (data["event"], data["severity"], data["recipient"]) == (
        "failed",
        "permanent",
        "petr@example.cz",
    )
    assert data["message"]["headers"]["message-id"] == message["id"].strip("<>")
    assert data["user-variables"] == {"kind": "new_post", "category": "new_post"}
    assert data["tags"] == ["new_post"]
    assert first["attempts"][0]["payload"] == inbox.bodies[0]


def test_only_the_webhook_of_the_events_type_is_called(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox, inbox: Inbox
) -> None:
    message = send_batch(http, mailgun_sandbox)
    mailgun_sandbox.register_webhook("complained", inbox.url)

    temporary = mailgun_sandbox.send_event(
        message["id"], "jana@example.cz", "failed", severity="temporary"
    )
    complaint = mailgun_sandbox.send_event(message["id"], "jana@example.cz", "complained")

    assert (temporary["webhook"], temporary["attempts"]) == ("temporary_fail", [])
    assert complaint["webhook"] == "complained"
    assert [body["event-data"]["event"] for body in inbox.bodies] == ["complained"]


def test_the_receivers_answer_is_reported(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox, inbox: Inbox
) -> None:
    message = send_batch(http, mailgun_sandbox)
    mailgun_sandbox.register_webhook("unsubscribed", inbox.url)
    inbox.status = 406

    sent = mailgun_sandbox.send_event(message["id"], "jana@example.cz", "unsubscribed")

    assert sent["attempts"][0]["status_code"] == 406


def test_events_for_unknown_messages_or_recipients_are_refused(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    message = send_batch(http, mailgun_sandbox)

    unknown = http.post(
        "/sandbox/mailgun/events",
        json={"message_id": "<nope@x>", "recipient": "jana@example.cz", "event": "complained"},
    )
    stranger = http.post(
        "/sandbox/mailgun/events",
        json={"message_id": message["id"], "recipient": "eva@example.cz", "event": "complained"},
    )

    assert (unknown.status_code, stranger.status_code) == (404, 400)


def test_the_domains_webhooks_api_behaves_like_mailguns(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    auth = ("api", mailgun_sandbox.api_key)
    base = f"/v3/domains/{mailgun_sandbox.domain}/webhooks"

    created = http.post(base, auth=auth, data={"id": "complained", "url": "https://a.test/h"})
    duplicate = http.post(base, auth=auth, data={"id": "complained", "url": "https://b.test/h"})
    updated = http.put(f"{base}/complained", auth=auth, data={"url": "https://b.test/h"})
    listed = http.get(base, auth=auth)
    bad_id = http.post(base, auth=auth, data={"id": "exploded", "url": "https://a.test/h"})
    no_auth = http.get(base)
    unknown_domain = http.get("/v3/domains/nope.test/webhooks", auth=auth)
    deleted = http.delete(f"{base}/complained", auth=auth)
    gone = http.delete(f"{base}/complained", auth=auth)

    assert created.json() == {
        "message": "Webhook has been created",
        "webhook": {"urls": ["https://a.test/h"]},
    }
    assert duplicate.status_code == 400
    assert updated.json()["webhook"] == {"urls": ["https://b.test/h"]}
    assert listed.json() == {"webhooks": {"complained": {"urls": ["https://b.test/h"]}}}
    assert bad_id.status_code == 400
    assert (no_auth.status_code, no_auth.text) == (401, "Forbidden")
    assert unknown_domain.status_code == 404
    assert (deleted.status_code, gone.status_code) == (200, 404)
