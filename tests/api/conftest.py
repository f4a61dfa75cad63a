"""The api app in-process over an httpx ASGI client, on real PostgreSQL and Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from pickey_api.app import create_app
from pickey_api.settings import ApiSettings
from pickey_core.resources import Resources
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
async def api_client(
    api_settings: ApiSettings, api_resources: Resources
) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(api_settings, resources=api_resources)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://api.test") as client:
        yield client
