"""The fake Mailgun, driven over real HTTP the way Mailgun's API is: it must refuse and accept
exactly what Mailgun would, and record what each recipient would have received."""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.support.sandbox import (
    SANDBOX_MAILGUN_API_KEY,
    SANDBOX_MAILGUN_DOMAIN,
    SANDBOX_MAILGUN_OTHER_DOMAIN,
    MailgunSandbox,
)

pytestmark = pytest.mark.e2e

MESSAGE_ID = re.compile(r"^<\d{14}\.[0-9a-f]+@(?P<domain>[a-z0-9.\-]+)>$")
AUTH = ("api", SANDBOX_MAILGUN_API_KEY)
SEND_PATH = f"/v3/{SANDBOX_MAILGUN_DOMAIN}/messages"


def minimal_form(**overrides: Any) -> dict[str, Any]:
    form: dict[str, Any] = {
        "from": "Pickey <noreply@mg.pickey.test>",
        "to": "fan@example.cz",
        "subject": "Vítejte",
        "text": "Ahoj!",
    }
    form.update(overrides)
    return {key: value for key, value in form.items() if value is not None}


@pytest.fixture
def http(sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_url, timeout=10) as client:
        yield client


def send(http: httpx.Client, data: Any = None, **kwargs: Any) -> httpx.Response:
    kwargs.setdefault("auth", AUTH)
    return http.post(SEND_PATH, data=minimal_form() if data is None else data, **kwargs)


# --- authentication and domains ------------------------------------------------------------


@pytest.mark.parametrize(
    "auth",
    [None, ("api", "wrong-key"), ("someone", SANDBOX_MAILGUN_API_KEY), ("api", "")],
    ids=["missing", "wrong-key", "wrong-user", "empty-key"],
)
def test_send_without_the_right_credentials_is_forbidden(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox, auth: tuple[str, str] | None
) -> None:
    response = http.post(SEND_PATH, data=minimal_form(), auth=auth)  # type: ignore[arg-type]

    assert response.status_code == 401
    assert response.text == "Forbidden"
    assert mailgun_sandbox.messages() == []


def test_malformed_authorization_header_is_forbidden(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    response = http.post(
        SEND_PATH, data=minimal_form(), headers={"Authorization": "Basic %%%not-base64"}
    )

    assert response.status_code == 401
    assert response.text == "Forbidden"


def test_unknown_domain_is_not_found(http: httpx.Client, mailgun_sandbox: MailgunSandbox) -> None:
    response = http.post("/v3/nope.example/messages", data=minimal_form(), auth=AUTH)

    assert response.status_code == 404
    assert response.json() == {"message": "Domain not found: nope.example"}


def test_every_configured_domain_accepts_mail(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    response = http.post(
        f"/v3/{SANDBOX_MAILGUN_OTHER_DOMAIN}/messages", data=minimal_form(), auth=AUTH
    )

    assert response.status_code == 200
    match = MESSAGE_ID.match(response.json()["id"])
    assert match is not None
    assert match["domain"] == SANDBOX_MAILGUN_OTHER_DOMAIN
    assert mailgun_sandbox.messages()[0]["domain"] == SANDBOX_MAILGUN_OTHER_DOMAIN


# --- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"from": None}, "from parameter is missing"),
        ({"from": ""}, "from parameter is missing"),
        ({"to": None}, "to parameter is missing"),
        ({"to": " , "}, "to parameter is missing"),
        ({"text": None}, "Need at least one of 'text' or 'html' parameters specified"),
        (
            {"to": "not-an-address"},
            "'to' parameter is not a valid address. please check documentation",
        ),
        ({"from": "Pickey"}, "'from' parameter is not a valid address. please check documentation"),
    ],
    ids=["no-from", "empty-from", "no-to", "blank-to", "no-body", "bad-to", "bad-from"],
)
def test_invalid_fields_are_refused_with_mailguns_message(
    http: httpx.Client,
    mailgun_sandbox: MailgunSandbox,
    overrides: dict[str, Any],
    message: str,
) -> None:
    response = send(http, minimal_form(**overrides))

    assert response.status_code == 400
    assert response.json() == {"message": message}
    assert mailgun_sandbox.messages() == []


def test_html_alone_or_a_template_is_enough(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    assert send(http, minimal_form(text=None, html="<p>Ahoj</p>")).status_code == 200
    assert send(http, minimal_form(text=None, template="welcome")).status_code == 200
    assert [m["template"] for m in mailgun_sandbox.messages()] == [None, "welcome"]


def test_more_than_three_tags_are_refused(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    response = send(http, minimal_form(**{"o:tag": ["a", "b", "c", "d"]}))

    assert response.status_code == 400
    assert "tags" in response.json()["message"]
    assert send(http, minimal_form(**{"o:tag": ["a", "b", "c"]})).status_code == 200


@pytest.mark.parametrize(
    "recipient_variables",
    ["{not json", "[1, 2]", '{"fan@example.cz": "not an object"}'],
    ids=["invalid-json", "not-an-object", "value-not-an-object"],
)
def test_bad_recipient_variables_are_refused(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox, recipient_variables: str
) -> None:
    response = send(http, minimal_form(**{"recipient-variables": recipient_variables}))

    assert response.status_code == 400
    assert "recipient-variables" in response.json()["message"]
    assert mailgun_sandbox.messages() == []


def test_more_than_a_thousand_recipients_are_refused(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    recipients = [f"fan{n}@example.cz" for n in range(1001)]

    too_many = send(http, minimal_form(to=", ".join(recipients)))
    at_limit = send(http, minimal_form(to=recipients[:1000], **{"recipient-variables": "{}"}))

    assert too_many.status_code == 400
    assert "recipients" in too_many.json()["message"]
    assert at_limit.status_code == 200
    assert len(mailgun_sandbox.messages()[0]["to"]) == 1000


# --- accepted messages ---------------------------------------------------------------------


def test_success_answers_like_mailgun(http: httpx.Client, mailgun_sandbox: MailgunSandbox) -> None:
    before = datetime.now(UTC).replace(microsecond=0)

    response = send(http)

    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"id", "message"}
    assert body["message"] == "Queued. Thank you."
    match = MESSAGE_ID.match(body["id"])
    assert match is not None, body["id"]
    assert match["domain"] == SANDBOX_MAILGUN_DOMAIN
    stamp = datetime.strptime(body["id"][1:15], "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    assert before <= stamp <= datetime.now(UTC)


def test_multipart_message_is_stored_with_every_field(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    fields = {
        "from": "Pickey <noreply@mg.pickey.test>",
        "to": "Jana Nováková <jana@example.cz>",
        "cc": "creator@example.cz",
        "bcc": "audit@pickey.test",
        "subject": "Nový příspěvek",
        "text": "Text",
        "html": "<p>Html</p>",
        "h:X-Pickey-Kind": "new-post",
        "h:Reply-To": "support@pickey.test",
        "v:notification-id": "42",
        "o:tag": ["new-post", "creator-7"],
        "o:testmode": "yes",
        "o:tracking": "no",
    }
    # A file part forces multipart/form-data; Mailgun takes attachments the same way.
    response = send(http, fields, files={"attachment": ("a.txt", b"hi", "text/plain")})

    assert response.status_code == 200
    stored = mailgun_sandbox.message(response.json()["id"])
    assert stored["id"] == response.json()["id"]
    assert stored["domain"] == SANDBOX_MAILGUN_DOMAIN
    assert stored["from"] == "Pickey <noreply@mg.pickey.test>"
    assert stored["to"] == ["Jana Nováková <jana@example.cz>"]
    assert stored["cc"] == ["creator@example.cz"]
    assert stored["bcc"] == ["audit@pickey.test"]
    assert stored["subject"] == "Nový příspěvek"
    assert (stored["text"], stored["html"]) == ("Text", "<p>Html</p>")
    assert stored["headers"] == {"X-Pickey-Kind": "new-post", "Reply-To": "support@pickey.test"}
    assert stored["variables"] == {"notification-id": "42"}
    assert stored["tags"] == ["new-post", "creator-7"]
    assert stored["testmode"] is True
    assert stored["options"] == {"tracking": "no"}
    assert stored["recipient_variables"] is None
    datetime.fromisoformat(stored["received_at"])


def test_repeated_and_comma_separated_to_are_both_recipients(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    to = ["a@example.cz", 'b@example.cz, "Novák, Petr" <petr@example.cz>']

    response = send(http, minimal_form(to=to))

    assert response.status_code == 200
    stored = mailgun_sandbox.messages()[0]
    everyone = ["a@example.cz", "b@example.cz", '"Novák, Petr" <petr@example.cz>']
    assert stored["to"] == everyone
    # Without recipient-variables Mailgun sends one message that shows everybody in To.
    assert stored["batch"] is False
    assert [d["recipient"] for d in stored["deliveries"]] == everyone
    assert all(d["to"] == everyone for d in stored["deliveries"])


def test_batch_sending_gives_each_recipient_their_own_copy(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    recipient_variables = {
        "jana@example.cz": {"name": "Jana", "link": "https://pickey.test/u/1"},
        "PETR@example.cz": {"name": "Petr", "link": "https://pickey.test/u/2"},
    }
    form = minimal_form(
        to=["Jana <jana@example.cz>", "petr@example.cz", "eva@example.cz"],
        subject="Ahoj %recipient.name%",
        text="Odkaz: %recipient.link%",
        html="<a href='%recipient.link%'>%recipient.name%</a>",
        **{
            "recipient-variables": json.dumps(recipient_variables),
            "h:List-Unsubscribe": "<%recipient.link%>",
        },
    )

    assert send(http, form).status_code == 200

    stored = mailgun_sandbox.messages()[0]
    assert stored["batch"] is True
    assert stored["recipient_variables"] == recipient_variables
    jana, petr, eva = stored["deliveries"]
    assert jana == {
        "recipient": "Jana <jana@example.cz>",
        "to": ["Jana <jana@example.cz>"],
        "subject": "Ahoj Jana",
        "text": "Odkaz: https://pickey.test/u/1",
        "html": "<a href='https://pickey.test/u/1'>Jana</a>",
        "headers": {"List-Unsubscribe": "<https://pickey.test/u/1>"},
    }
    assert (petr["to"], petr["subject"]) == (["petr@example.cz"], "Ahoj Petr")
    # A recipient without variables keeps the placeholder, so the bug is visible here.
    assert (eva["to"], eva["subject"]) == (["eva@example.cz"], "Ahoj %recipient.name%")


def test_urlencoded_and_multipart_are_recorded_the_same(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    send(http)
    send(http, files={"attachment": ("a.txt", b"x", "text/plain")})

    first, second = mailgun_sandbox.messages()
    ignored = {"id", "received_at", "deliveries"}
    assert {k: v for k, v in first.items() if k not in ignored} == {
        k: v for k, v in second.items() if k not in ignored
    }


# --- inspection ----------------------------------------------------------------------------


def test_listing_is_oldest_first_and_filters_by_recipient(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    first = send(http, minimal_form(to="Jana <jana@example.cz>", subject="1")).json()["id"]
    send(http, minimal_form(to="petr@example.cz", subject="2"))
    third = send(http, minimal_form(to="eva@example.cz", cc="jana@example.cz", subject="3"))

    assert [m["subject"] for m in mailgun_sandbox.messages()] == ["1", "2", "3"]
    for_jana = mailgun_sandbox.messages(to="JANA@example.cz")
    assert [m["id"] for m in for_jana] == [first, third.json()["id"]]
    assert mailgun_sandbox.messages(to="nobody@example.cz") == []


def test_message_lookup_accepts_the_id_with_or_without_brackets(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    message_id = send(http).json()["id"]

    assert mailgun_sandbox.message(message_id)["id"] == message_id
    assert mailgun_sandbox.message(message_id.strip("<>"))["id"] == message_id
    missing = http.get("/sandbox/mailgun/messages/" + quote("<nope@mg.pickey.test>", safe=""))
    assert missing.status_code == 404


def test_clearing_forgets_messages_and_faults(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    send(http)
    mailgun_sandbox.fail_next(5, 500)

    assert http.delete("/sandbox/mailgun/messages").status_code == 204

    assert mailgun_sandbox.messages() == []
    assert http.get("/sandbox/mailgun/faults").json()["fail_next"] == 0
    assert send(http).status_code == 200


def test_page_lists_messages_and_escapes_user_content(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    message_id = send(
        http,
        minimal_form(
            subject="<script>alert('x')</script>",
            to='"<b>Fan</b>" <fan@example.cz>',
            html="<p>Hi</p>",
        ),
    ).json()["id"]

    page = http.get("/sandbox/mailgun")

    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "<script>" not in page.text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.text
    assert "<b>Fan</b>" not in page.text
    encoded_id = quote(message_id, safe="")
    assert f'href="/sandbox/mailgun/messages/{encoded_id}/text"' in page.text
    assert f'href="/sandbox/mailgun/messages/{encoded_id}/html"' in page.text


def test_text_and_html_views_show_the_bodies_safely(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    html = "<p>Hi</p><script>alert(1)</script>"
    message_id = send(http, minimal_form(text="Plain body", html=html)).json()["id"]
    path = "/sandbox/mailgun/messages/" + quote(message_id, safe="")

    text_view = http.get(f"{path}/text")
    html_view = http.get(f"{path}/html")

    assert text_view.text == "Plain body"
    assert text_view.headers["content-type"].startswith("text/plain")
    assert html_view.text == html
    # The e-mail's own HTML is shown as sent, but the browser must not run its scripts.
    assert html_view.headers["content-security-policy"] == "sandbox"


def test_index_page_links_the_mailgun_page(http: httpx.Client) -> None:
    index = http.get("/")

    assert index.status_code == 200
    assert 'href="/sandbox/mailgun"' in index.text
    assert http.get("/livez").json() == {"status": "ok"}


# --- fault injection -----------------------------------------------------------------------


def test_rate_limit_fault_answers_429_with_retry_after(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(2, 429, retry_after_seconds=30)
    sent_at = datetime.now(UTC)

    first, second, third = send(http), send(http), send(http)

    assert [r.status_code for r in (first, second, third)] == [429, 429, 200]
    assert first.headers["retry-after"] == "30"
    message = first.json()["message"]
    match = re.search(r"try again after (.+)$", message)
    assert match is not None, message
    assert match[1].endswith(" UTC")
    reset_at = parsedate_to_datetime(match[1])
    assert 29 <= (reset_at - sent_at).total_seconds() <= 32
    assert len(mailgun_sandbox.messages()) == 1


def test_rate_limit_can_leave_out_the_header(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(1, 429, retry_after_seconds=5, retry_after_header=False)

    response = send(http)

    assert response.status_code == 429
    assert "retry-after" not in response.headers
    assert "try again after" in response.json()["message"]


@pytest.mark.parametrize("status", [500, 503])
def test_server_error_fault(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox, status: int
) -> None:
    mailgun_sandbox.fail_next(1, status)

    failed, ok = send(http), send(http)

    assert failed.status_code == status
    assert failed.json() == {"message": "Internal server error"}
    assert ok.status_code == 200
    assert len(mailgun_sandbox.messages()) == 1


def test_bad_request_fault(http: httpx.Client, mailgun_sandbox: MailgunSandbox) -> None:
    mailgun_sandbox.fail_next(1, 400)

    response = send(http)

    assert response.status_code == 400
    assert "message" in response.json()
    assert mailgun_sandbox.messages() == []


def test_faults_do_not_apply_to_refused_credentials(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(1, 500)

    assert send(http, auth=("api", "wrong")).status_code == 401
    assert send(http).status_code == 500


def test_unsupported_fault_is_refused(http: httpx.Client, mailgun_sandbox: MailgunSandbox) -> None:
    response = http.post("/sandbox/mailgun/faults", json={"fail_next": 1, "status": 418})

    assert response.status_code == 422


def test_delay_fault_slows_every_send_until_cleared(
    http: httpx.Client, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.delay(0.5)

    started = time.monotonic()
    assert send(http).status_code == 200
    assert send(http).status_code == 200
    delayed = time.monotonic() - started
    mailgun_sandbox.clear_faults()
    started = time.monotonic()
    assert send(http).status_code == 200
    undelayed = time.monotonic() - started

    assert delayed >= 1.0
    assert undelayed < 0.5
    assert len(mailgun_sandbox.messages()) == 3


async def test_a_send_in_flight_during_a_clear_is_not_stored(
    sandbox_url: str, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.delay(1.0)
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=10) as client:
        in_flight = asyncio.create_task(client.post(SEND_PATH, data=minimal_form(), auth=AUTH))
        await asyncio.sleep(0.4)
        await client.delete("/sandbox/mailgun/messages")
        response = await in_flight

    assert response.status_code == 200
    assert mailgun_sandbox.messages() == []
