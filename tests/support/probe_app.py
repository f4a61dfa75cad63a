"""A probe app built by ``create_app`` alone: what every service's HTTP app shares, without any
service's routes (one route, ``/boom``, raises to show the 500 body)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
from fastapi import APIRouter

from pickey_core.http.app import create_app
from pickey_core.resources import Resources
from pickey_core.settings import PickeySettings
from tests.support.settings import TestEnvironment

failing = APIRouter()


@failing.get("/boom")
async def boom() -> None:
    raise RuntimeError("secret internals")


def settings_for(test_env: TestEnvironment, **changes: str) -> PickeySettings:
    values = {"database_url": test_env.database_url, "redis_url": test_env.redis_url, **changes}
    return PickeySettings(_env_file=None, environment="test", service_name="probe", **values)


async def client_for(settings: PickeySettings) -> AsyncIterator[httpx.AsyncClient]:
    resources = await Resources.open(settings)
    app = create_app(settings, title="probe", routers=[failing], resources=resources)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://probe.test") as client:
        yield client
    await resources.close()
