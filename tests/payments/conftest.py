"""The payments app in-process over an httpx ASGI client, on real PostgreSQL and Redis, with the
GP webpay sandbox process as the gateway."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from pickey_core.models import User
from pickey_core.resources import Resources
from pickey_core.sessions import SessionStore
from pickey_payments.app import create_app
from pickey_payments.gateway import Gateway
from pickey_payments.settings import PaymentsSettings
from tests.support import factories
from tests.support.gpwebpay import GpWebpaySandbox
from tests.support.payments_fans import BASE_URL, Fan, FanFactory, Shop
from tests.support.settings import TestEnvironment


@pytest.fixture
def payments_settings(test_env: TestEnvironment) -> PaymentsSettings:
    return test_env.payments()


@pytest.fixture
async def payments_resources(
    payments_settings: PaymentsSettings, clean_state: None
) -> AsyncIterator[Resources]:
    resources = await Resources.open(payments_settings)
    yield resources
    await resources.close()


@pytest.fixture
async def payments_app(
    payments_settings: PaymentsSettings, payments_resources: Resources
) -> AsyncIterator[FastAPI]:
    app = create_app(payments_settings, resources=payments_resources)
    yield app
    await app.state.gateway.aclose()


@pytest.fixture
def gateway(payments_app: FastAPI) -> Gateway:
    """The app's own gateway object (keys, WS client), for driving jobs in-process."""
    gateway: Gateway = payments_app.state.gateway
    return gateway


@pytest.fixture
async def gpwebpay(sandbox_url: str) -> AsyncIterator[GpWebpaySandbox]:
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=30) as http:
        sandbox = GpWebpaySandbox(http)
        await sandbox.clear()
        yield sandbox


@pytest.fixture
async def anonymous(payments_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=payments_app), base_url=BASE_URL
    ) as client:
        yield client


@pytest.fixture
async def make_fan(
    payments_app: FastAPI, payments_resources: Resources, payments_settings: PaymentsSettings
) -> AsyncIterator[FanFactory]:
    clients: list[httpx.AsyncClient] = []
    store = SessionStore(payments_resources.redis, payments_settings.session)

    async def make(*, locale: str = "cs", user: User | None = None, verified: bool = True) -> Fan:
        """A new fan (with a verified email unless ``verified=False``), or a session for an
        existing ``user`` (a creator paying themselves)."""
        if user is None:
            async with payments_resources.unit_of_work() as session:
                extra = {} if verified else {"email_verified_at": None}
                user = await factories.user(session, locale=locale, **extra)
        session_id, stored = await store.create(user.id)
        client = httpx.AsyncClient(
            transport=httpx.ASGITransport(app=payments_app),
            base_url=BASE_URL,
            cookies={payments_settings.session.cookie_name: session_id},
            headers={"X-CSRF-Token": stored.csrf_token},
        )
        clients.append(client)
        return Fan(user, client)

    yield make
    for client in clients:
        await client.aclose()


@pytest.fixture
async def shop(payments_resources: Resources) -> Shop:
    async with payments_resources.unit_of_work() as session:
        owner = await factories.user(session)
        creator = await factories.creator(session, owner, display_name="Gordíkey")
        tiers = [
            await factories.tier(session, creator, price, name=name)
            for name, price in (
                ("Na granulkey", 5900),
                ("Na steaky", 9900),
                ("Na věčná loviště", 19900),
            )
        ]
    return Shop(owner, creator, tiers)
