"""MailgunClient against the sandbox process over real HTTP: what it sends, and how each kind of
failure reaches the caller (who decides about retries)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from pickey_core.providers import (
    ProviderError,
    ProviderRateLimited,
    ProviderRejected,
    ProviderUnavailable,
)
from pickey_core.providers.errors import parse_retry_after
from pickey_core.providers.mailgun import EmailMessage, MailgunClient, MailgunConfig
from tests.support.processes import free_port
from tests.support.sandbox import (
    SANDBOX_MAILGUN_API_KEY,
    SANDBOX_MAILGUN_DOMAIN,
    MailgunSandbox,
)

WELCOME = EmailMessage(
    to=["Jana Nováková <jana@example.cz>"],
    subject="Vítejte na Pickey",
    text="Ahoj Jano!",
    html="<p>Ahoj Jano!</p>",
    headers={"X-Pickey-Kind": "welcome"},
    variables={"user-id": "17", "kind": "welcome"},
    tags=["welcome", "onboarding"],
)


def sandbox_config(sandbox_url: str, **overrides: object) -> MailgunConfig:
    values: dict[str, object] = {
        "base_url": sandbox_url,
        "domain": SANDBOX_MAILGUN_DOMAIN,
        "api_key": SANDBOX_MAILGUN_API_KEY,
    }
    values.update(overrides)
    return MailgunConfig.model_validate(values)


@pytest.fixture
async def client(sandbox_url: str) -> AsyncIterator[MailgunClient]:
    async with MailgunClient(sandbox_config(sandbox_url)) as mailgun:
        yield mailgun


# --- sending -------------------------------------------------------------------------------


@pytest.mark.e2e
async def test_send_returns_the_id_and_mailgun_stores_every_field(
    client: MailgunClient, mailgun_sandbox: MailgunSandbox
) -> None:
    message_id = await client.send(WELCOME)

    [stored] = mailgun_sandbox.messages()
    assert stored["id"] == message_id
    assert message_id.startswith("<")
    assert message_id.endswith(f"@{SANDBOX_MAILGUN_DOMAIN}>")
    assert stored["from"] == f"Pickey <noreply@{SANDBOX_MAILGUN_DOMAIN}>"
    assert stored["to"] == ["Jana Nováková <jana@example.cz>"]
    assert stored["subject"] == "Vítejte na Pickey"
    assert (stored["text"], stored["html"]) == ("Ahoj Jano!", "<p>Ahoj Jano!</p>")
    assert stored["headers"] == {"X-Pickey-Kind": "welcome"}
    assert stored["variables"] == {"user-id": "17", "kind": "welcome"}
    assert stored["tags"] == ["welcome", "onboarding"]
    assert stored["recipient_variables"] is None
    assert stored["testmode"] is False


@pytest.mark.e2e
async def test_batch_send_reaches_each_recipient_separately(
    client: MailgunClient, mailgun_sandbox: MailgunSandbox
) -> None:
    message = EmailMessage(
        to=["jana@example.cz", "Petr <petr@example.cz>"],
        subject="Nový příspěvek pro %recipient.name%",
        text="Ahoj %recipient.name%",
        recipient_variables={
            "jana@example.cz": {"name": "Jana"},
            "petr@example.cz": {"name": "Petr"},
        },
        sender="Tvůrce přes Pickey <creator@mg.pickey.test>",
    )

    await client.send(message)

    [stored] = mailgun_sandbox.messages()
    assert stored["from"] == "Tvůrce přes Pickey <creator@mg.pickey.test>"
    assert stored["to"] == ["jana@example.cz", "Petr <petr@example.cz>"]
    assert stored["batch"] is True
    assert [(d["to"], d["text"]) for d in stored["deliveries"]] == [
        (["jana@example.cz"], "Ahoj Jana"),
        (["Petr <petr@example.cz>"], "Ahoj Petr"),
    ]


@pytest.mark.e2e
async def test_a_shared_http_client_is_used_and_left_open(
    sandbox_url: str, mailgun_sandbox: MailgunSandbox
) -> None:
    async with httpx.AsyncClient() as http:
        client = MailgunClient(sandbox_config(sandbox_url), http=http)
        await client.send(WELCOME)
        await client.aclose()

        assert not http.is_closed
    assert len(mailgun_sandbox.messages()) == 1


async def test_an_own_http_client_is_closed() -> None:
    client = MailgunClient(sandbox_config("http://127.0.0.1:1"))

    await client.aclose()

    assert client._http.is_closed


# --- failures ------------------------------------------------------------------------------


@pytest.mark.e2e
async def test_wrong_key_is_rejected_with_401(
    sandbox_url: str, mailgun_sandbox: MailgunSandbox
) -> None:
    async with MailgunClient(sandbox_config(sandbox_url, api_key="not-the-key")) as client:
        with pytest.raises(ProviderRejected) as caught:
            await client.send(WELCOME)

    assert caught.value.provider == "mailgun"
    assert caught.value.status_code == 401
    assert caught.value.message == "Forbidden"
    assert "not-the-key" not in f"{caught.value} {caught.value!r}"
    assert mailgun_sandbox.messages() == []


@pytest.mark.e2e
async def test_unknown_domain_is_rejected_with_mailguns_message(
    sandbox_url: str, mailgun_sandbox: MailgunSandbox
) -> None:
    async with MailgunClient(sandbox_config(sandbox_url, domain="nope.example")) as client:
        with pytest.raises(ProviderRejected) as caught:
            await client.send(WELCOME)

    assert caught.value.status_code == 404
    assert caught.value.message == "Domain not found: nope.example"


@pytest.mark.e2e
async def test_bad_request_is_rejected(
    client: MailgunClient, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(1, 400)

    with pytest.raises(ProviderRejected) as caught:
        await client.send(WELCOME)

    assert caught.value.status_code == 400
    assert caught.value.message


@pytest.mark.e2e
async def test_429_is_rate_limited_with_retry_after_from_the_header(
    client: MailgunClient, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(1, 429, retry_after_seconds=7)

    with pytest.raises(ProviderRateLimited) as caught:
        await client.send(WELCOME)

    assert caught.value.status_code == 429
    assert caught.value.retry_after == 7.0
    assert "try again after" in caught.value.message
    assert not isinstance(caught.value, ProviderRejected)


@pytest.mark.e2e
async def test_429_without_header_takes_retry_after_from_the_body(
    client: MailgunClient, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(1, 429, retry_after_seconds=7, retry_after_header=False)

    with pytest.raises(ProviderRateLimited) as caught:
        await client.send(WELCOME)

    assert caught.value.retry_after is not None
    assert 5.0 <= caught.value.retry_after <= 8.0


@pytest.mark.e2e
async def test_mailguns_420_sending_limit_is_a_rate_limit_too(
    client: MailgunClient, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.fail_next(1, 420, retry_after_seconds=3)

    with pytest.raises(ProviderRateLimited) as caught:
        await client.send(WELCOME)

    assert caught.value.status_code == 420
    assert caught.value.retry_after == 3.0


@pytest.mark.e2e
@pytest.mark.parametrize("status", [500, 503])
async def test_server_errors_are_unavailable_and_not_retried(
    client: MailgunClient, mailgun_sandbox: MailgunSandbox, status: int
) -> None:
    mailgun_sandbox.fail_next(1, status)

    with pytest.raises(ProviderUnavailable) as caught:
        await client.send(WELCOME)
    message_id = await client.send(WELCOME)

    assert caught.value.status_code == status
    assert caught.value.message == "Internal server error"
    # One failed call and one good call: the client did not retry on its own.
    assert [m["id"] for m in mailgun_sandbox.messages()] == [message_id]


async def test_connection_refused_is_unavailable() -> None:
    closed_port = free_port()
    async with MailgunClient(sandbox_config(f"http://127.0.0.1:{closed_port}")) as client:
        with pytest.raises(ProviderUnavailable) as caught:
            await client.send(WELCOME)

    assert caught.value.status_code is None
    assert isinstance(caught.value.__cause__, httpx.TransportError)
    assert SANDBOX_MAILGUN_API_KEY not in f"{caught.value} {caught.value!r}"


@pytest.mark.e2e
async def test_timeout_is_unavailable_yet_the_message_may_still_be_sent(
    sandbox_url: str, mailgun_sandbox: MailgunSandbox
) -> None:
    mailgun_sandbox.delay(0.8)
    config = sandbox_config(sandbox_url, timeout_seconds=0.2)

    async with MailgunClient(config) as client:
        with pytest.raises(ProviderUnavailable) as caught:
            await client.send(WELCOME)

    assert isinstance(caught.value.__cause__, httpx.TimeoutException)
    # Mailgun has no idempotency key: a timed-out send can still be queued, so callers dedupe.
    for _ in range(40):
        if mailgun_sandbox.messages():
            break
        await asyncio.sleep(0.05)
    assert len(mailgun_sandbox.messages()) == 1


def test_every_provider_error_is_a_provider_error() -> None:
    for kind in (ProviderRejected, ProviderRateLimited, ProviderUnavailable):
        assert issubclass(kind, ProviderError)


# --- secrets never shown -------------------------------------------------------------------


async def test_repr_and_str_never_show_the_key() -> None:
    config = sandbox_config("http://127.0.0.1:1", api_key="very-secret-key")
    client = MailgunClient(config)
    try:
        shown = " ".join([repr(config), str(config), repr(client), str(client)])
    finally:
        await client.aclose()

    assert "very-secret-key" not in shown
    assert config.api_key.get_secret_value() == "very-secret-key"


# --- configuration and message validation --------------------------------------------------


def test_config_defaults() -> None:
    config = MailgunConfig(domain="mg.pickey.cz", api_key=SecretStr("key"))

    assert config.base_url == "https://api.eu.mailgun.net"
    assert config.sender == "Pickey <noreply@mg.pickey.cz>"
    assert config.timeout_seconds == 10
    assert config.messages_url == "https://api.eu.mailgun.net/v3/mg.pickey.cz/messages"


def test_config_keeps_an_explicit_sender_and_trims_the_base_url() -> None:
    config = MailgunConfig(
        base_url="http://127.0.0.1:9000/",
        domain="mg.pickey.test",
        api_key=SecretStr("key"),
        sender="Pickey Support <support@mg.pickey.test>",
    )

    assert config.sender == "Pickey Support <support@mg.pickey.test>"
    assert config.messages_url == "http://127.0.0.1:9000/v3/mg.pickey.test/messages"


@pytest.mark.parametrize("values", [{"domain": "mg.pickey.cz"}, {"domain": "x", "api_key": " "}])
def test_config_requires_an_api_key(values: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        MailgunConfig.model_validate(values)


@pytest.mark.parametrize(
    "changes",
    [
        {"tags": ["a", "b", "c", "d"]},
        {"text": None, "html": None},
        {"to": []},
        {"to": ["a@example.cz", "b@example.cz"]},
    ],
    ids=["four-tags", "no-body", "no-recipient", "shared-list"],
)
def test_message_validation(changes: dict[str, object]) -> None:
    values = WELCOME.model_dump() | changes

    with pytest.raises(ValidationError):
        EmailMessage.model_validate(values)


def test_form_fields_are_what_mailgun_expects() -> None:
    message = EmailMessage(
        to=["a@example.cz", "b@example.cz"],
        subject="S",
        text="T",
        headers={"X-A": "1"},
        variables={"v": "2"},
        tags=["t1", "t2"],
        recipient_variables={"a@example.cz": {"n": "A"}, "b@example.cz": {}},
    )

    assert message.form_fields("Pickey <noreply@mg.pickey.test>") == [
        ("from", "Pickey <noreply@mg.pickey.test>"),
        ("to", "a@example.cz"),
        ("to", "b@example.cz"),
        ("subject", "S"),
        ("text", "T"),
        ("h:X-A", "1"),
        ("v:v", "2"),
        ("o:tag", "t1"),
        ("o:tag", "t2"),
        ("recipient-variables", '{"a@example.cz": {"n": "A"}, "b@example.cz": {}}'),
    ]


# --- Retry-After parsing -------------------------------------------------------------------

NOW = datetime(2025, 8, 25, 7, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("120", 120.0),
        (" 1.5 ", 1.5),
        ("-3", 0.0),
        ("Mon, 25 Aug 2025 07:00:31 GMT", 31.0),
        ("Mon, 25 Aug 2025 07:00:31 UTC", 31.0),
        ("Mon, 25 Aug 2025 06:59:00 GMT", 0.0),
        ("soon", None),
        ("nan", None),
        ("", None),
        (None, None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, now=NOW) == seconds


def test_parse_retry_after_defaults_to_the_current_time() -> None:
    in_a_minute = (datetime.now(UTC) + timedelta(seconds=60)).strftime("%a, %d %b %Y %H:%M:%S GMT")

    seconds = parse_retry_after(in_a_minute)

    assert seconds is not None
    assert 55 <= seconds <= 60
