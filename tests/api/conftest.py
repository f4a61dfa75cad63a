"""The api app in-process over an httpx ASGI client, on real PostgreSQL and Redis."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from pickey_api.app import create_app
from pickey_api.settings import ApiSettings
from pickey_core.models import User
from pickey_core.resources import Resources
from pickey_core.sessions import SessionStore
from tests.support import factories as make
from tests.support.accounts import verify_email_async
from tests.support.api_users import BASE_URL, PASSWORD, ApiUser, UserFactory
from tests.support.creators import become_creator
from tests.support.posts import Author, Login, new_author
from tests.support.settings import TestEnvironment


@pytest.fixture
def api_settings(test_env: TestEnvironment) -> ApiSettings:
    return test_env.api()


@pytest.fixture
async def api_resources(api_settings: ApiSettings, clean_state: None) -> AsyncIterator[Resources]:
    resources = await Resources.open(api_settings)
    yield resources
    await resources.close()


@pytest.fixture
async def api_app(api_settings: ApiSettings, api_resources: Resources) -> FastAPI:
    return create_app(api_settings, resources=api_resources)


@pytest.fixture
async def api_client(api_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=api_app), base_url=BASE_URL
    ) as client:
        yield client


@pytest.fixture
async def make_user(api_app: FastAPI, api_settings: ApiSettings) -> AsyncIterator[UserFactory]:
    clients: list[httpx.AsyncClient] = []

    async def make(
        email: str | None = None, *, locale: str = "cs", verified: bool = True
    ) -> ApiUser:
        """Signed up over HTTP (which logs in); ``verified`` marks the address verified, as
        opening the emailed link does (money and creator actions need it)."""
        email = email or f"user-{uuid.uuid4().hex[:8]}@example.cz"
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=api_app), base_url=BASE_URL)
        clients.append(client)
        signed_up = await client.post(
            "/api/v1/accounts",
            json={
                "email": email,
                "password": PASSWORD,
                "display_name": email.split("@")[0],
                "locale": locale,
            },
        )
        assert signed_up.status_code == 201, signed_up.text
        if verified:
            await verify_email_async(str(api_settings.database_url), email)
        # Sign-up starts the session (its cookies are in this client's jar now).
        csrf = signed_up.json()["csrf_token"]
        client.headers["X-CSRF-Token"] = csrf
        return ApiUser(uuid.UUID(signed_up.json()["user"]["id"]), email, client, csrf)

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def login(api_app: FastAPI, api_resources: Resources) -> AsyncIterator[Login]:
    """Users straight from the factories, logged in by a session written to the session store:
    the same cookie and CSRF header as a real login, without hashing a password per test."""
    clients: list[httpx.AsyncClient] = []
    store = SessionStore(api_resources.redis, api_resources.settings.session)

    async def log_in(user: User | None = None) -> ApiUser:
        if user is None:
            async with api_resources.unit_of_work() as session:
                user = await make.user(session)
        session_id, stored = await store.create(user.id)
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=api_app), base_url=BASE_URL)
        clients.append(client)
        client.cookies.set(store.config.cookie_name, session_id)
        client.headers["X-CSRF-Token"] = stored.csrf_token
        return ApiUser(user.id, user.email, client, stored.csrf_token)

    yield log_in
    for client in clients:
        await client.aclose()


@pytest.fixture
async def author(login: Login, api_resources: Resources) -> Author:
    return await new_author(login, api_resources)


@pytest.fixture
async def owner(make_user: UserFactory) -> ApiUser:
    """A user who became the creator ``gordikey`` (the tier tests' creator)."""
    user = await make_user()
    await become_creator(user.client, "gordikey")
    return user
