"""Email verification: sign-up sends a link, the logged-in user may ask for another, the token
sets ``email_verified_at`` once."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import update

from pickey_api.app import create_app
from pickey_api.settings import ApiSettings
from pickey_core.models import OutboxMessage, User
from pickey_core.queue.contracts import SendAccountEmail
from pickey_core.resources import Resources
from tests.support.api_users import BASE_URL, ApiUser, UserFactory
from tests.support.db import all_rows

RESEND = "/api/v1/auth/email-verification"
CONFIRM = "/api/v1/auth/email-verification/confirm"
ME = "/api/v1/accounts/me"


async def verification_tokens(resources: Resources, user: ApiUser) -> list[str]:
    """Tokens of the verification emails queued for ``user``, oldest first."""
    jobs = await all_rows(
        resources, OutboxMessage, OutboxMessage.job_name == SendAccountEmail.job_name
    )
    return [
        job.payload["token"]
        for job in sorted(jobs, key=lambda job: job.created_at)
        if job.payload["purpose"] == "verify_email" and job.payload["user_id"] == str(user.id)
    ]


async def verified_at(resources: Resources, user: ApiUser) -> datetime | None:
    [row] = await all_rows(resources, User, User.id == user.id)
    return row.email_verified_at


async def test_sign_up_sends_a_link_that_verifies_the_address_once(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user(verified=False)
    [token] = await verification_tokens(api_resources, user)
    assert (await user.client.get(ME)).json()["email_verified"] is False

    response = await api_client.post(CONFIRM, json={"token": token})

    assert response.status_code == 204
    assert (await user.client.get(ME)).json()["email_verified"] is True
    again = await api_client.post(CONFIRM, json={"token": token})
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "invalid_verification_token"


@pytest.mark.parametrize("token", ["nonsense", "B" * 43])
async def test_an_unknown_token_is_refused(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources, token: str
) -> None:
    user = await make_user(verified=False)

    response = await api_client.post(CONFIRM, json={"token": token})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_verification_token"
    assert await verified_at(api_resources, user) is None


@pytest.mark.parametrize(
    "body", [{}, {"token": ""}, {"token": "x" * 129}, {"token": "abc", "verified": True}]
)
async def test_malformed_confirm_is_422(
    api_client: httpx.AsyncClient,
    make_user: UserFactory,
    api_resources: Resources,
    body: dict[str, object],
) -> None:
    user = await make_user(verified=False)

    response = await api_client.post(CONFIRM, json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert await verified_at(api_resources, user) is None


@pytest.fixture
async def short_lived_tokens_app(
    api_settings: ApiSettings, api_resources: Resources
) -> AsyncIterator[httpx.AsyncClient]:
    auth = api_settings.auth.model_copy(update={"email_verification_token_seconds": 1})
    app = create_app(api_settings.model_copy(update={"auth": auth}), resources=api_resources)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as client:
        yield client


async def test_an_expired_token_is_refused(
    short_lived_tokens_app: httpx.AsyncClient, api_resources: Resources
) -> None:
    signed_up = await short_lived_tokens_app.post(
        "/api/v1/accounts",
        json={"email": "late@example.cz", "password": "granulky-a-steaky", "display_name": "L"},
    )
    assert signed_up.status_code == 201
    [job] = await all_rows(
        api_resources, OutboxMessage, OutboxMessage.job_name == SendAccountEmail.job_name
    )

    await asyncio.sleep(1.5)
    response = await short_lived_tokens_app.post(CONFIRM, json={"token": job.payload["token"]})

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_verification_token"
    [user] = await all_rows(api_resources, User)
    assert user.email_verified_at is None


async def test_a_link_for_a_deleted_account_is_refused(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user(verified=False)
    [token] = await verification_tokens(api_resources, user)
    async with api_resources.unit_of_work() as session:
        await session.execute(
            update(User).where(User.id == user.id).values(deleted_at=datetime.now(UTC))
        )

    response = await api_client.post(CONFIRM, json={"token": token})

    assert response.status_code == 400
    assert await verified_at(api_resources, user) is None


async def test_resend_queues_a_new_link(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user(verified=False)

    response = await user.client.post(RESEND)

    assert response.status_code == 202
    first, second = await verification_tokens(api_resources, user)
    assert first != second
    assert (await api_client.post(CONFIRM, json={"token": second})).status_code == 204
    assert await verified_at(api_resources, user) is not None


async def test_resend_for_a_verified_address_is_409(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user(verified=False)
    [token] = await verification_tokens(api_resources, user)
    assert (await api_client.post(CONFIRM, json={"token": token})).status_code == 204

    response = await user.client.post(RESEND)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "email_already_verified"
    assert len(await verification_tokens(api_resources, user)) == 1


async def test_resend_needs_a_session_and_the_csrf_header(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user(verified=False)
    del user.client.headers["X-CSRF-Token"]

    anonymous = await api_client.post(RESEND)
    forged = await user.client.post(RESEND)

    assert (anonymous.status_code, anonymous.json()["error"]["code"]) == (401, "not_authenticated")
    assert (forged.status_code, forged.json()["error"]["code"]) == (403, "csrf_failed")
    assert len(await verification_tokens(api_resources, user)) == 1


async def test_resend_is_throttled(make_user: UserFactory, api_resources: Resources) -> None:
    user = await make_user(verified=False)

    answers = [await user.client.post(RESEND) for _ in range(4)]

    assert [answer.status_code for answer in answers] == [202, 202, 202, 429]
    assert answers[-1].json()["error"]["code"] == "too_many_account_emails"
    assert int(answers[-1].headers["Retry-After"]) > 0
    assert len(await verification_tokens(api_resources, user)) == 4  # sign-up + three resends
