"""Idle and absolute session timeouts, with timeouts of seconds set through the settings."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable

import httpx
import pytest

from pickey_api.app import create_app
from pickey_api.settings import ApiSettings
from pickey_core.resources import Resources
from pickey_core.sessions import SessionConfig
from tests.support.api_users import BASE_URL, PASSWORD

ME = "/api/v1/accounts/me"

LoggedIn = Callable[[int, int], Awaitable[httpx.AsyncClient]]


@pytest.fixture
async def logged_in_with_timeouts(
    api_settings: ApiSettings, api_resources: Resources
) -> AsyncIterator[LoggedIn]:
    """A logged-in client of an app whose sessions idle out after ``idle`` seconds and end
    ``absolute`` seconds after login (below the production minimum, hence no validation)."""
    clients: list[httpx.AsyncClient] = []

    async def make(idle: int, absolute: int) -> httpx.AsyncClient:
        session = SessionConfig.model_construct(
            idle_timeout_seconds=idle, absolute_timeout_seconds=absolute
        )
        settings = api_settings.model_copy(update={"session": session})
        # The session store reads the settings of the process's resources.
        resources = Resources(
            settings, api_resources.engine, api_resources.sessions, api_resources.redis
        )
        app = create_app(settings, resources=resources)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
        clients.append(client)
        email = f"timeouts-{len(clients)}@example.cz"
        signed_up = await client.post(
            "/api/v1/accounts",
            json={"email": email, "password": PASSWORD, "display_name": "Timeouts"},
        )
        assert signed_up.status_code == 201
        logged = await client.post(
            "/api/v1/auth/login", json={"email": email, "password": PASSWORD}
        )
        assert logged.status_code == 200
        return client

    yield make
    for client in clients:
        await client.aclose()


async def test_an_idle_session_ends(logged_in_with_timeouts: LoggedIn) -> None:
    client = await logged_in_with_timeouts(2, 60)
    assert (await client.get(ME)).status_code == 200

    await asyncio.sleep(2.5)

    response = await client.get(ME)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_activity_keeps_a_session_alive_past_the_idle_timeout(
    logged_in_with_timeouts: LoggedIn,
) -> None:
    client = await logged_in_with_timeouts(2, 60)

    for _ in range(4):  # 4.4 s in all, never 2 s idle
        await asyncio.sleep(1.1)
        assert (await client.get(ME)).status_code == 200


async def test_a_session_ends_at_its_absolute_age_despite_activity(
    logged_in_with_timeouts: LoggedIn,
) -> None:
    client = await logged_in_with_timeouts(3, 4)
    for _ in range(3):  # touched at 0.8 s, 1.6 s and 2.4 s: never idle for 3 s
        await asyncio.sleep(0.8)
        assert (await client.get(ME)).status_code == 200

    await asyncio.sleep(1.9)  # 4.3 s after login, 1.9 s after the last request

    assert (await client.get(ME)).status_code == 401
