"""In development the web app is another origin (another port): the api answers its preflights
and lets it sign up with cookies; in production (no origins configured) it answers none."""

from __future__ import annotations

import httpx

from pickey_api.app import create_app
from pickey_core.http.cors import CorsConfig
from pickey_core.resources import Resources
from tests.support.settings import TestEnvironment

SPA = "http://127.0.0.1:5173"
PREFLIGHT = {
    "Origin": SPA,
    "Access-Control-Request-Method": "POST",
    "Access-Control-Request-Headers": "content-type",
}


async def test_the_spa_origin_signs_up_cross_origin_with_cookies(
    test_env: TestEnvironment, api_resources: Resources
) -> None:
    settings = test_env.api().model_copy(update={"cors": CorsConfig(allowed_origins=[SPA])})
    transport = httpx.ASGITransport(app=create_app(settings, resources=api_resources))
    async with httpx.AsyncClient(transport=transport, base_url="https://api.test") as browser:
        preflight = await browser.options("/api/v1/accounts", headers=PREFLIGHT)
        signed_up = await browser.post(
            "/api/v1/accounts",
            json={"email": "cors@example.cz", "password": "granulky-a-steaky", "display_name": "C"},
            headers={"Origin": SPA},
        )
        config = await browser.get("/config.json", headers={"Origin": SPA})
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == SPA
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert signed_up.status_code == 201
    assert signed_up.headers["access-control-allow-origin"] == SPA
    assert "pickey_session=" in signed_up.headers["set-cookie"]
    assert config.headers["access-control-allow-origin"] == SPA


async def test_without_origins_the_api_answers_no_preflight(
    test_env: TestEnvironment, api_resources: Resources
) -> None:
    transport = httpx.ASGITransport(app=create_app(test_env.api(), resources=api_resources))
    async with httpx.AsyncClient(transport=transport, base_url="https://api.test") as browser:
        preflight = await browser.options("/api/v1/accounts", headers=PREFLIGHT)
    assert preflight.status_code == 405
    assert "access-control-allow-origin" not in preflight.headers
