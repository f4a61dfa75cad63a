"""Change password: current + new; other sessions end, this one gets a new id, reset links die."""

from __future__ import annotations

import httpx
import pytest

from pickey_core.models import OutboxMessage, User
from pickey_core.queue.contracts import SendAccountEmail
from pickey_core.resources import Resources
from tests.support.api_users import PASSWORD, ApiUser, UserFactory
from tests.support.db import all_rows

CHANGE = "/api/v1/auth/password"
LOGIN = "/api/v1/auth/login"
ME = "/api/v1/accounts/me"
NEW_PASSWORD = "na-vecna-loviste-199"


async def stored_user(resources: Resources, user: ApiUser) -> User:
    [row] = await all_rows(resources, User, User.id == user.id)
    return row


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(LOGIN, json={"email": email, "password": password})


async def test_change_rotates_this_session_and_ends_every_other_one(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    old_cookie = user.client.cookies["pickey_session"]
    other_device = await log_in(api_client, user.email, PASSWORD)
    other_cookie = other_device.cookies["pickey_session"]
    api_client.cookies.clear()

    response = await user.client.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 200, response.text
    new_cookie = response.cookies["pickey_session"]
    assert new_cookie not in (old_cookie, other_cookie)
    assert response.json()["csrf_token"] != user.csrf_token
    assert response.json()["user"]["id"] == str(user.id)
    for replayed in (old_cookie, other_cookie):
        api_client.cookies.set("pickey_session", replayed, domain="api.test")
        assert (await api_client.get(ME)).status_code == 401
    assert (await user.client.get(ME)).status_code == 200  # the new cookie is in its jar
    user.client.headers["X-CSRF-Token"] = response.json()["csrf_token"]
    assert (await user.client.post("/api/v1/auth/logout")).status_code == 204
    assert (await log_in(api_client, user.email, PASSWORD)).status_code == 401
    assert (await log_in(api_client, user.email, NEW_PASSWORD)).status_code == 200
    assert (await stored_user(api_resources, user)).password_changed_at is not None


async def test_change_kills_outstanding_reset_links(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    requested = await api_client.post("/api/v1/auth/password-reset", json={"email": user.email})
    assert requested.status_code == 202
    [job] = [
        message
        for message in await all_rows(
            api_resources, OutboxMessage, OutboxMessage.job_name == SendAccountEmail.job_name
        )
        if message.payload["purpose"] == "password_reset"
    ]

    changed = await user.client.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )
    assert changed.status_code == 200

    reset = await api_client.post(
        "/api/v1/auth/password-reset/confirm",
        json={"token": job.payload["token"], "new_password": "someone-elses-choice"},
    )
    assert reset.status_code == 400
    assert reset.json()["error"]["code"] == "invalid_reset_token"
    assert (await log_in(api_client, user.email, NEW_PASSWORD)).status_code == 200


async def assert_unchanged(resources: Resources, user: ApiUser, hash_before: str) -> None:
    row = await stored_user(resources, user)
    assert row.password_hash == hash_before
    assert row.password_changed_at is None
    assert (await user.client.get(ME)).status_code == 200  # the session survived


async def test_wrong_current_password_is_400_and_changes_nothing(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    hash_before = (await stored_user(api_resources, user)).password_hash

    response = await user.client.post(
        CHANGE, json={"current_password": "not-my-password", "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "wrong_password"
    assert "set-cookie" not in response.headers
    await assert_unchanged(api_resources, user, hash_before)


@pytest.mark.parametrize(
    ("new_password", "status", "code"),
    [
        ("short", 422, "validation_error"),
        ("x" * 257, 422, "validation_error"),
        ("password123", 422, "weak_password"),
        ("QWERTZUIOP", 422, "weak_password"),
        ("abababababab", 422, "weak_password"),
        ("{local}-2024", 422, "weak_password"),
        (PASSWORD, 422, "password_unchanged"),
    ],
)
async def test_weak_or_unchanged_new_password_is_refused(
    make_user: UserFactory,
    api_resources: Resources,
    new_password: str,
    status: int,
    code: str,
) -> None:
    user = await make_user("gordikey.fan@example.cz")
    hash_before = (await stored_user(api_resources, user)).password_hash

    response = await user.client.post(
        CHANGE,
        json={
            "current_password": PASSWORD,
            "new_password": new_password.format(local="gordikey.fan"),
        },
    )

    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    if code == "weak_password":
        assert error["details"][0]["loc"] == ["body", "new_password"]
    await assert_unchanged(api_resources, user, hash_before)


async def test_change_needs_the_csrf_header(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    hash_before = (await stored_user(api_resources, user)).password_hash
    del user.client.headers["X-CSRF-Token"]

    response = await user.client.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    await assert_unchanged(api_resources, user, hash_before)


async def test_change_needs_a_session(api_client: httpx.AsyncClient) -> None:
    response = await api_client.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "body",
    [
        {"new_password": NEW_PASSWORD},
        {"current_password": PASSWORD},
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "user_id": "x"},
        {"current_password": 12345678, "new_password": NEW_PASSWORD},
    ],
)
async def test_malformed_change_is_422(
    make_user: UserFactory, api_resources: Resources, body: dict[str, object]
) -> None:
    user = await make_user()
    hash_before = (await stored_user(api_resources, user)).password_hash

    response = await user.client.post(CHANGE, json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    await assert_unchanged(api_resources, user, hash_before)


async def test_guessing_the_current_password_is_throttled(
    make_user: UserFactory, api_resources: Resources
) -> None:
    """A stolen session cookie must not become a way to guess the password."""
    user = await make_user()
    hash_before = (await stored_user(api_resources, user)).password_hash
    guess = {"current_password": "guess", "new_password": NEW_PASSWORD}

    answers = [(await user.client.post(CHANGE, json=guess)).status_code for _ in range(6)]
    right = await user.client.post(
        CHANGE, json={"current_password": PASSWORD, "new_password": NEW_PASSWORD}
    )

    assert answers == [400] * 5 + [429]
    assert right.status_code == 429
    assert right.json()["error"]["code"] == "too_many_login_attempts"
    assert int(right.headers["Retry-After"]) > 0
    await assert_unchanged(api_resources, user, hash_before)
