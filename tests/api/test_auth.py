"""Log in, log out, the current session, and CSRF on writes."""

from __future__ import annotations

import httpx

from pickey_core.resources import Resources
from tests.support.api_users import PASSWORD, UserFactory

LOGIN = "/api/v1/auth/login"


async def test_login_sets_secure_http_only_lax_cookies_and_returns_csrf_token(
    api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    user = await make_user("fan@example.cz")

    response = await api_client.post(LOGIN, json={"email": "FAN@example.cz", "password": PASSWORD})

    assert response.status_code == 200
    assert response.json()["user"]["id"] == str(user.id)
    cookies = {c.split("=", 1)[0]: c.lower() for c in response.headers.get_list("set-cookie")}
    assert {"pickey_session", "pickey_csrf"} <= set(cookies)
    assert "httponly" in cookies["pickey_session"]
    assert "httponly" not in cookies["pickey_csrf"]
    for cookie in cookies.values():
        assert "secure" in cookie
        assert "samesite=lax" in cookie


async def test_each_login_gets_a_new_session_id(
    api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user("fan@example.cz")
    credentials = {"email": "fan@example.cz", "password": PASSWORD}

    first = (await api_client.post(LOGIN, json=credentials)).cookies["pickey_session"]
    second = (await api_client.post(LOGIN, json=credentials)).cookies["pickey_session"]

    assert first != second


async def test_wrong_password_and_unknown_email_get_the_same_answer(
    api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    await make_user("fan@example.cz")

    wrong = await api_client.post(LOGIN, json={"email": "fan@example.cz", "password": "nope"})
    unknown = await api_client.post(LOGIN, json={"email": "who@example.cz", "password": "nope"})

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()
    assert wrong.json()["error"]["code"] == "invalid_credentials"
    assert "set-cookie" not in wrong.headers


async def test_me_requires_a_session(api_client: httpx.AsyncClient, make_user: UserFactory) -> None:
    user = await make_user()

    assert (await api_client.get("/api/v1/accounts/me")).status_code == 401
    me = await user.client.get("/api/v1/accounts/me")
    assert me.status_code == 200
    assert me.json()["email"] == user.email


async def test_writes_with_a_session_need_the_csrf_header(make_user: UserFactory) -> None:
    user = await make_user()
    del user.client.headers["X-CSRF-Token"]

    missing = await user.client.post("/api/v1/auth/logout")
    wrong = await user.client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": "forged"})

    assert missing.status_code == wrong.status_code == 403
    assert missing.json()["error"]["code"] == "csrf_failed"
    assert (await user.client.get("/api/v1/accounts/me")).status_code == 200  # still logged in


async def test_logout_ends_the_session_on_the_server(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    stolen_cookie = user.client.cookies["pickey_session"]

    assert (await user.client.post("/api/v1/auth/logout")).status_code == 204

    api_client.cookies.set("pickey_session", stolen_cookie, domain="api.test")
    replay = await api_client.get("/api/v1/accounts/me")
    assert replay.status_code == 401
    assert await api_resources.redis.keys("pickey:session:*") == []
