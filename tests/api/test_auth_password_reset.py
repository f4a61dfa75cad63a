"""Password reset by emailed token: request (no enumeration, throttled), confirm (single use,
expiring, ends every session), and the email itself through the real worker and sandbox."""

from __future__ import annotations

import asyncio
import hashlib
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from fastapi import FastAPI

from pickey_api.app import create_app
from pickey_api.settings import ApiSettings
from pickey_core.models import OutboxMessage, User
from pickey_core.queue.contracts import SendAccountEmail
from pickey_core.resources import Resources
from pickey_notifications.worker import notifications_worker
from tests.support import factories as make
from tests.support.api_users import BASE_URL, PASSWORD, ApiUser, UserFactory
from tests.support.db import all_rows
from tests.support.sandbox import MailgunSandbox
from tests.support.settings import TestEnvironment
from tests.support.workers import drain

REQUEST = "/api/v1/auth/password-reset"
CONFIRM = "/api/v1/auth/password-reset/confirm"
LOGIN = "/api/v1/auth/login"
NEW_PASSWORD = "na-vecna-loviste-199"


async def account_email_jobs(resources: Resources, purpose: str) -> list[OutboxMessage]:
    jobs = await all_rows(
        resources, OutboxMessage, OutboxMessage.job_name == SendAccountEmail.job_name
    )
    return sorted(
        (job for job in jobs if job.payload["purpose"] == purpose), key=lambda job: job.created_at
    )


async def reset_token(client: httpx.AsyncClient, resources: Resources, email: str) -> str:
    """Ask for a reset link and take its token from the job that would email it."""
    assert (await client.post(REQUEST, json={"email": email})).status_code == 202
    return str((await account_email_jobs(resources, "password_reset"))[-1].payload["token"])


async def password_hash(resources: Resources, user: ApiUser) -> str:
    [row] = await all_rows(resources, User, User.id == user.id)
    return row.password_hash


async def test_request_for_an_account_queues_a_reset_email_and_keeps_only_a_hash(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()

    response = await api_client.post(REQUEST, json={"email": user.email.upper()})

    assert response.status_code == 202
    [job] = await account_email_jobs(api_resources, "password_reset")
    assert job.payload["user_id"] == str(user.id)
    token = job.payload["token"]
    assert len(token) >= 43  # 32 random bytes, URL-safe
    redis = api_resources.redis
    digest = hashlib.sha256(token.encode()).hexdigest()
    key = f"pickey:account-token:password_reset:{digest}"
    assert 3500 < await redis.ttl(key) <= 3600
    # The token store holds hashes only (the queued job carries the token to the email).
    for stored in await redis.keys("pickey:account-token*"):
        assert token.encode() not in stored
        if await redis.type(stored) == b"string":
            assert token.encode() not in (await redis.get(stored) or b"")
        else:
            assert token.encode() not in await redis.smembers(stored)  # type: ignore[misc]


async def test_unknown_or_deleted_email_gets_the_same_answer_and_no_email(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    async with api_resources.unit_of_work() as session:
        await make.user(session, email="gone@example.cz", deleted_at=datetime.now(UTC))

    known = await api_client.post(REQUEST, json={"email": user.email})
    unknown = await api_client.post(REQUEST, json={"email": "nobody@example.cz"})
    deleted = await api_client.post(REQUEST, json={"email": "gone@example.cz"})

    assert known.status_code == unknown.status_code == deleted.status_code == 202
    assert known.json() == unknown.json() == deleted.json()
    assert known.headers.get("set-cookie") is None
    jobs = await account_email_jobs(api_resources, "password_reset")
    assert [job.payload["user_id"] for job in jobs] == [str(user.id)]


async def test_confirm_sets_the_password_ends_every_session_and_verifies_the_address(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    token = await reset_token(api_client, api_resources, user.email)

    response = await api_client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})

    assert response.status_code == 204, response.text
    assert (await user.client.get("/api/v1/accounts/me")).status_code == 401
    assert await api_resources.redis.keys("pickey:session:*") == []
    old = await api_client.post(LOGIN, json={"email": user.email, "password": PASSWORD})
    assert old.status_code == 401
    new = await api_client.post(LOGIN, json={"email": user.email, "password": NEW_PASSWORD})
    assert new.status_code == 200
    assert new.json()["user"]["email_verified"] is True


async def test_a_token_works_once(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    token = await reset_token(api_client, api_resources, user.email)
    first = await api_client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})
    assert first.status_code == 204
    hash_after_first = await password_hash(api_resources, user)

    again = await api_client.post(
        CONFIRM, json={"token": token, "new_password": "a-third-password-x"}
    )

    assert again.status_code == 400
    assert again.json()["error"]["code"] == "invalid_reset_token"
    assert await password_hash(api_resources, user) == hash_after_first


async def test_concurrent_uses_of_one_token_let_one_win(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    token = await reset_token(api_client, api_resources, user.email)

    responses = await asyncio.gather(
        *(
            api_client.post(CONFIRM, json={"token": token, "new_password": f"{NEW_PASSWORD}-{i}"})
            for i in range(4)
        )
    )

    assert sorted(response.status_code for response in responses) == [204, 400, 400, 400]


async def test_a_new_password_kills_the_other_reset_links(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    first = await reset_token(api_client, api_resources, user.email)
    second = await reset_token(api_client, api_resources, user.email)

    used = await api_client.post(CONFIRM, json={"token": second, "new_password": NEW_PASSWORD})
    stale = await api_client.post(
        CONFIRM, json={"token": first, "new_password": "a-third-password-x"}
    )

    assert used.status_code == 204
    assert stale.status_code == 400
    assert stale.json()["error"]["code"] == "invalid_reset_token"


@pytest.fixture
async def short_lived_tokens_client(
    api_settings: ApiSettings, api_resources: Resources
) -> AsyncIterator[httpx.AsyncClient]:
    auth = api_settings.auth.model_copy(update={"password_reset_token_seconds": 1})
    app: FastAPI = create_app(
        api_settings.model_copy(update={"auth": auth}), resources=api_resources
    )
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as client:
        yield client


async def test_an_expired_token_is_refused(
    short_lived_tokens_client: httpx.AsyncClient,
    make_user: UserFactory,
    api_resources: Resources,
) -> None:
    user = await make_user()
    token = await reset_token(short_lived_tokens_client, api_resources, user.email)
    hash_before = await password_hash(api_resources, user)

    await asyncio.sleep(1.5)
    response = await short_lived_tokens_client.post(
        CONFIRM, json={"token": token, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_reset_token"
    assert await password_hash(api_resources, user) == hash_before


@pytest.mark.parametrize(
    "token",
    ["not-a-token", "A" * 43, "x" * 128],
)
async def test_an_unknown_token_is_refused(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources, token: str
) -> None:
    user = await make_user()
    await reset_token(api_client, api_resources, user.email)
    hash_before = await password_hash(api_resources, user)

    response = await api_client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_reset_token"
    assert await password_hash(api_resources, user) == hash_before
    assert (await user.client.get("/api/v1/accounts/me")).status_code == 200


async def test_a_verification_token_is_not_a_reset_token(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    [verification] = await account_email_jobs(api_resources, "verify_email")
    hash_before = await password_hash(api_resources, user)

    response = await api_client.post(
        CONFIRM, json={"token": verification.payload["token"], "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_reset_token"
    assert await password_hash(api_resources, user) == hash_before


async def test_a_weak_password_is_refused_and_the_link_keeps_working(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    token = await reset_token(api_client, api_resources, user.email)
    hash_before = await password_hash(api_resources, user)

    weak = await api_client.post(CONFIRM, json={"token": token, "new_password": "password123"})
    short = await api_client.post(CONFIRM, json={"token": token, "new_password": "short"})

    assert (weak.status_code, weak.json()["error"]["code"]) == (422, "weak_password")
    assert (short.status_code, short.json()["error"]["code"]) == (422, "validation_error")
    assert await password_hash(api_resources, user) == hash_before
    retry = await api_client.post(CONFIRM, json={"token": token, "new_password": NEW_PASSWORD})
    assert retry.status_code == 204


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (REQUEST, {"email": "not-an-email"}),
        (REQUEST, {"email": "fan@example.cz", "user_id": str(uuid.uuid4())}),
        (REQUEST, {}),
        (CONFIRM, {"token": "", "new_password": NEW_PASSWORD}),
        (CONFIRM, {"token": "x" * 129, "new_password": NEW_PASSWORD}),
        (CONFIRM, {"token": "abc", "new_password": NEW_PASSWORD, "email": "fan@example.cz"}),
    ],
)
async def test_malformed_requests_are_422_and_write_nothing(
    api_client: httpx.AsyncClient, api_resources: Resources, path: str, body: dict[str, str]
) -> None:
    response = await api_client.post(path, json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert await all_rows(api_resources, OutboxMessage) == []


async def test_requests_for_one_address_are_throttled_whether_or_not_it_exists(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    jobs_before = len(await account_email_jobs(api_resources, "password_reset"))

    for email in (user.email, "nobody@example.cz"):
        answers = [await api_client.post(REQUEST, json={"email": email}) for _ in range(4)]
        assert [answer.status_code for answer in answers] == [202, 202, 202, 429]
        throttled = answers[-1]
        assert throttled.json()["error"]["code"] == "too_many_account_emails"
        assert 0 < int(throttled.headers["Retry-After"]) <= 3600

    jobs = await account_email_jobs(api_resources, "password_reset")
    assert len(jobs) - jobs_before == 3  # the refused fourth request sent nothing


async def test_requests_from_one_address_are_throttled(
    api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    answers = [
        (await api_client.post(REQUEST, json={"email": f"fan{i}@example.cz"})).status_code
        for i in range(11)
    ]

    assert answers == [202] * 10 + [429]


async def test_the_emailed_link_resets_the_password(
    api_client: httpx.AsyncClient,
    make_user: UserFactory,
    api_resources: Resources,
    test_env: TestEnvironment,
    mailgun_sandbox: MailgunSandbox,
) -> None:
    user = await make_user(locale="en")
    settings = test_env.notifications(app_url="https://pickey.test")
    await drain(notifications_worker(settings))  # the welcome and verification emails
    mailgun_sandbox.clear()

    assert (await api_client.post(REQUEST, json={"email": user.email})).status_code == 202
    await drain(notifications_worker(settings))

    [email] = mailgun_sandbox.messages(to=user.email)
    assert email["subject"] == "Reset your Pickey password"
    match = re.search(r"https://pickey\.test/reset-password\?token=([A-Za-z0-9_-]+)", email["text"])
    assert match is not None, email["text"]
    assert match.group(0) in email["html"]
    confirmed = await api_client.post(
        CONFIRM, json={"token": match.group(1), "new_password": NEW_PASSWORD}
    )
    assert confirmed.status_code == 204
    login = await api_client.post(LOGIN, json={"email": user.email, "password": NEW_PASSWORD})
    assert login.status_code == 200


async def test_reset_routes_document_their_errors(api_client: httpx.AsyncClient) -> None:
    paths = (await api_client.get("/openapi.json")).json()["paths"]

    assert {"202", "422", "429"} <= set(paths[REQUEST]["post"]["responses"])
    assert "Retry-After" in paths[REQUEST]["post"]["responses"]["429"]["headers"]
    assert {"204", "400", "422"} <= set(paths[CONFIRM]["post"]["responses"])
