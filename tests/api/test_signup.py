"""Sign-up: the account, the outbox row in the same transaction, the welcome job, its email."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

from pickey_core.models import (
    Channel,
    DeliveryState,
    Notification,
    NotificationDelivery,
    OutboxMessage,
    User,
)
from pickey_core.queue.contracts import Queue, SendWelcome
from pickey_core.resources import Resources
from pickey_notifications.worker import notifications_worker
from tests.support.db import all_rows, count
from tests.support.sandbox import MailgunSandbox
from tests.support.settings import TestEnvironment
from tests.support.workers import drain

SIGNUP = "/api/v1/accounts"


def body(email: str = "Gordikey@Example.CZ", **changes: object) -> dict[str, object]:
    return {
        "email": email,
        "password": "granulky-a-steaky",
        "display_name": "Gordíkey",
        "locale": "cs",
        **changes,
    }


def welcome_emails(sandbox: MailgunSandbox, to: str) -> list[dict[str, Any]]:
    """The welcome emails to ``to`` (sign-up also sends an email-verification link)."""
    return [message for message in sandbox.messages(to=to) if message["tags"] == ["welcome"]]


async def assert_nothing_written(resources: Resources) -> None:
    assert await count(resources, User) == 0
    assert await count(resources, OutboxMessage) == 0
    assert await resources.redis.zcard(Queue.NOTIFICATIONS.value) == 0


async def test_sign_up_creates_user_and_sends_one_welcome_email(
    api_client: httpx.AsyncClient,
    api_resources: Resources,
    test_env: TestEnvironment,
    mailgun_sandbox: MailgunSandbox,
) -> None:
    response = await api_client.post(SIGNUP, json=body())

    assert response.status_code == 201, response.text
    created = response.json()["user"]
    assert created["email"] == "gordikey@example.cz"
    assert created["email_verified"] is False
    assert "password" not in response.text
    [user] = await all_rows(api_resources, User)
    assert str(user.id) == created["id"]
    assert user.password_hash.startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    [message] = await all_rows(
        api_resources, OutboxMessage, OutboxMessage.job_name == SendWelcome.job_name
    )
    assert (message.queue, message.job_name) == (Queue.NOTIFICATIONS.value, SendWelcome.job_name)
    assert message.payload == {"user_id": created["id"]}
    # Fast path: pushed at once after the commit, under the outbox id.
    assert message.dispatched_at is not None
    assert await api_resources.redis.exists(f"arq:job:{message.id}") == 1

    await drain(notifications_worker(test_env.notifications()))

    [notification] = await all_rows(api_resources, Notification, Notification.kind == "welcome")
    assert (notification.recipient_id, notification.kind) == (user.id, "welcome")
    [delivery] = await all_rows(
        api_resources, NotificationDelivery, NotificationDelivery.notification_id == notification.id
    )
    assert (delivery.notification_id, delivery.channel) == (notification.id, Channel.EMAIL)
    assert delivery.state is DeliveryState.SENT
    [email] = welcome_emails(mailgun_sandbox, "gordikey@example.cz")
    assert email["subject"] == "Vítejte na Pickey, Gordíkey!"
    assert delivery.provider_message_id == email["id"]
    assert email["headers"]["X-Pickey-Delivery"] == str(delivery.id)
    [message] = await all_rows(
        api_resources, OutboxMessage, OutboxMessage.job_name == SendWelcome.job_name
    )
    assert message.completed_at is not None


async def test_sign_up_starts_a_session_like_log_in(api_client: httpx.AsyncClient) -> None:
    response = await api_client.post(SIGNUP, json=body())
    assert response.status_code == 201, response.text
    cookies = response.headers.get_list("set-cookie")
    assert any(c.startswith("pickey_session=") and "HttpOnly" in c for c in cookies)
    assert any(c.startswith("pickey_csrf=") for c in cookies)
    csrf = response.json()["csrf_token"]
    # The same client (its cookie jar) is now logged in, and its CSRF token works for writes.
    current = await api_client.get("/api/v1/auth/session")
    assert current.status_code == 200
    assert current.json()["user"]["email"] == "gordikey@example.cz"
    assert current.json()["csrf_token"] == csrf
    logged_out = await api_client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf})
    assert logged_out.status_code == 204


async def test_english_locale_gets_english_email(
    api_client: httpx.AsyncClient, test_env: TestEnvironment, mailgun_sandbox: MailgunSandbox
) -> None:
    response = await api_client.post(SIGNUP, json=body("fan@example.com", locale="en"))
    assert response.status_code == 201

    await drain(notifications_worker(test_env.notifications()))

    [email] = welcome_emails(mailgun_sandbox, "fan@example.com")
    assert email["subject"] == "Welcome to Pickey, Gordíkey!"


async def test_duplicate_email_is_409_and_writes_nothing(
    api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    assert (await api_client.post(SIGNUP, json=body("dog@example.cz"))).status_code == 201

    response = await api_client.post(SIGNUP, json=body("DOG@example.cz", display_name="Other"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_taken"
    assert await count(api_resources, User) == 1
    assert await count(api_resources, OutboxMessage) == 2  # welcome and email verification


async def test_concurrent_sign_ups_with_one_email_make_one_account(
    api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    responses = await asyncio.gather(
        *(api_client.post(SIGNUP, json=body("race@example.cz")) for _ in range(4))
    )

    assert sorted(r.status_code for r in responses) == [201, 409, 409, 409]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"email_taken"}
    assert await count(api_resources, User) == 1
    assert await count(api_resources, OutboxMessage) == 2  # welcome and email verification


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"email": "a@b@example.cz"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": "x" * 257}, "password"),
        ({"display_name": "   "}, "display_name"),
        ({"locale": "de"}, "locale"),
        ({"is_staff": True}, "is_staff"),
    ],
)
async def test_invalid_sign_up_is_422_naming_the_field(
    api_client: httpx.AsyncClient,
    api_resources: Resources,
    changes: dict[str, object],
    field: str,
) -> None:
    response = await api_client.post(SIGNUP, json=body(**changes))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "validation_error"
    assert ["body", field] in [detail["loc"] for detail in error["details"]]
    await assert_nothing_written(api_resources)


async def test_missing_body_is_422(api_client: httpx.AsyncClient, api_resources: Resources) -> None:
    response = await api_client.post(SIGNUP, headers={"content-type": "application/json"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    await assert_nothing_written(api_resources)


async def test_malformed_json_is_422(
    api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    response = await api_client.post(
        SIGNUP, content=b'{"email": ', headers={"content-type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["type"] == "json_invalid"
    await assert_nothing_written(api_resources)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"]
)
async def test_wrong_content_type_is_415(
    api_client: httpx.AsyncClient, api_resources: Resources, content_type: str
) -> None:
    response = await api_client.post(
        SIGNUP, content=b"email=a@example.cz", headers={"content-type": content_type}
    )

    assert response.status_code == 415
    assert response.json()["error"]["code"] == "json_required"
    await assert_nothing_written(api_resources)


async def test_oversized_body_is_413(
    api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    response = await api_client.post(SIGNUP, json=body(display_name="x" * 2_000_000))

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    await assert_nothing_written(api_resources)


async def test_oversized_streamed_body_without_length_is_413(
    api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(40):
            yield b"x" * 65_536

    response = await api_client.post(
        SIGNUP, content=chunks(), headers={"content-type": "application/json"}
    )

    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    await assert_nothing_written(api_resources)


async def test_sign_up_errors_are_documented_in_openapi(api_client: httpx.AsyncClient) -> None:
    spec = (await api_client.get("/openapi.json")).json()
    responses = spec["paths"][SIGNUP]["post"]["responses"]

    assert {"201", "409", "413", "415", "422", "500"} <= set(responses)
    for status in ("409", "415", "422"):
        schema = responses[status]["content"]["application/json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/ErrorBody"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]
