"""CORS: the web app's origins (from settings) may call a service with its cookies; others may not.

The same middleware is installed by ``create_app`` in every service; the api and payments apps
are checked in their own tests, this one checks the rule itself on a probe app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from pydantic import ValidationError

from pickey_core.http.cors import CorsConfig
from tests.support.probe_app import client_for, settings_for
from tests.support.settings import TestEnvironment

SPA = "http://127.0.0.1:5173"


@pytest.fixture
async def cors_client(test_env: TestEnvironment) -> AsyncIterator[httpx.AsyncClient]:
    settings = settings_for(test_env).model_copy(update={"cors": CorsConfig(allowed_origins=[SPA])})
    async for opened in client_for(settings):
        yield opened


def preflight(origin: str, method: str = "POST") -> dict[str, str]:
    return {
        "Origin": origin,
        "Access-Control-Request-Method": method,
        "Access-Control-Request-Headers": "content-type,x-csrf-token",
    }


async def test_preflight_from_the_spa_is_answered_with_credentials(
    cors_client: httpx.AsyncClient,
) -> None:
    response = await cors_client.options("/livez", headers=preflight(SPA))
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == SPA
    assert response.headers["access-control-allow-credentials"] == "true"
    allowed = response.headers["access-control-allow-headers"].lower()
    assert "x-csrf-token" in allowed
    assert "content-type" in allowed
    assert "POST" in response.headers["access-control-allow-methods"]


async def test_simple_and_error_responses_carry_the_headers_for_the_spa(
    cors_client: httpx.AsyncClient,
) -> None:
    ok = await cors_client.get("/livez", headers={"Origin": SPA})
    assert ok.headers["access-control-allow-origin"] == SPA
    assert ok.headers["access-control-allow-credentials"] == "true"
    assert "x-request-id" in ok.headers["access-control-expose-headers"].lower()
    # The SPA must be able to read our error bodies too (rendered inside the CORS middleware).
    missing = await cors_client.get("/nothing-here", headers={"Origin": SPA})
    assert missing.status_code == 404
    assert missing.headers["access-control-allow-origin"] == SPA
    assert missing.json()["error"]["code"] == "not_found"


async def test_another_origin_gets_no_cors_headers(cors_client: httpx.AsyncClient) -> None:
    other = "http://localhost:5173"  # same port, other host name: another origin
    response = await cors_client.get("/livez", headers={"Origin": other})
    assert response.status_code == 200
    assert "access-control-allow-origin" not in response.headers
    refused = await cors_client.options("/livez", headers=preflight(other))
    assert refused.status_code == 400
    assert "access-control-allow-origin" not in refused.headers


async def test_no_origins_by_default_so_preflight_is_an_ordinary_405(
    client: httpx.AsyncClient,
) -> None:
    """Production serves the SPA from the same host: no cross-origin call is expected."""
    response = await client.options("/livez", headers=preflight(SPA))
    assert response.status_code == 405
    assert response.json()["error"]["code"] == "method_not_allowed"
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    "value", ["*", "http://127.0.0.1:5173/", "127.0.0.1:5173", "http://x.cz/app", "ftp://x.cz"]
)
def test_anything_but_a_plain_origin_is_refused(value: str) -> None:
    with pytest.raises(ValidationError, match="is not an origin"):
        CorsConfig(allowed_origins=[value])


def test_a_comma_separated_list_is_read_from_the_environment() -> None:
    config = CorsConfig.model_validate({"allowed_origins": f"{SPA}, https://pickey.cz"})
    assert config.allowed_origins == [SPA, "https://pickey.cz"]
