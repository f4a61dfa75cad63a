"""``/config.json``: the SPA's runtime configuration comes from settings, nothing secret in it."""

from __future__ import annotations

import httpx

from pickey_api.app import create_app
from pickey_api.settings import SpaConfig
from pickey_core.resources import Resources
from tests.support.settings import SESSION_SECRET, TestEnvironment


async def test_config_json_serves_the_spa_settings(
    test_env: TestEnvironment, api_resources: Resources
) -> None:
    spa = SpaConfig(
        app_url="https://pickey.cz",
        api_base_url="https://pickey.cz/api/v1",
        payments_base_url="https://pickey.cz/payments/v1",
        analytics_id="G-PICKEY123",
        mux_env_key="mux-env-123",
        default_locale="en",
    )
    base = test_env.api()
    pusher = base.pusher.model_copy(update={"key": "278d425bdf160c739803", "cluster": "eu"})
    settings = base.model_copy(update={"spa": spa, "pusher": pusher})
    transport = httpx.ASGITransport(app=create_app(settings, resources=api_resources))
    async with httpx.AsyncClient(transport=transport, base_url="https://api.test") as client:
        response = await client.get("/config.json")

    assert response.status_code == 200
    assert response.json() == {
        "environment": "test",
        "app_url": "https://pickey.cz",
        "api_base_url": "https://pickey.cz/api/v1",
        "payments_base_url": "https://pickey.cz/payments/v1",
        "default_locale": "en",
        "analytics_id": "G-PICKEY123",
        "sentry_dsn": None,
        "mux_env_key": "mux-env-123",
        "pusher": {"key": "278d425bdf160c739803", "cluster": "eu"},
    }
    assert response.headers["cache-control"] == "public, max-age=60"
    assert SESSION_SECRET not in response.text
