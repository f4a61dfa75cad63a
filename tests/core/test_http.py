"""What every service's HTTP app shares: one error body, health, request ids, metrics."""

from __future__ import annotations

import httpx
import pytest

from pickey_core.http.app import create_app
from pickey_core.resources import Resources
from tests.support.probe_app import client_for, settings_for
from tests.support.processes import free_port
from tests.support.settings import TestEnvironment


async def test_livez_touches_nothing_and_readyz_checks_database_and_redis(
    client: httpx.AsyncClient,
) -> None:
    assert (await client.get("/livez")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).json() == {"status": "ready"}


@pytest.mark.parametrize("broken", ["redis", "database"])
async def test_readyz_is_503_naming_what_is_down_while_livez_stays_up(
    test_env: TestEnvironment, broken: str
) -> None:
    port = free_port()
    change = (
        {"redis_url": f"redis://127.0.0.1:{port}/0"}
        if broken == "redis"
        else {"database_url": f"postgresql+asyncpg://postgres@127.0.0.1:{port}/nothing"}
    )
    async for client in client_for(settings_for(test_env, **change)):
        assert (await client.get("/livez")).status_code == 200
        response = await client.get("/readyz")
        assert response.status_code == 503
        error = response.json()["error"]
        assert error["code"] == "not_ready"
        assert [detail["loc"] for detail in error["details"]] == [[broken]]
        assert response.headers["retry-after"] == "5"


async def test_a_draining_server_is_not_ready_but_still_serves(test_env: TestEnvironment) -> None:
    """After SIGTERM (see pickey_core.http.draining) the load balancer must stop sending."""
    settings = settings_for(test_env)
    resources = await Resources.open(settings)
    app = create_app(settings, title="probe", resources=resources)
    app.state.draining = True
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://probe.test") as client:
            response = await client.get("/readyz")
            assert response.status_code == 503
            assert response.json()["error"]["code"] == "draining"
            assert "retry-after" in response.headers
            assert (await client.get("/livez")).status_code == 200
    finally:
        await resources.close()


async def test_unknown_route_and_wrong_method_use_the_error_body(client: httpx.AsyncClient) -> None:
    missing = await client.get("/nothing-here")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong = await client.delete("/livez")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"


async def test_unexpected_error_is_a_500_body_without_internals(client: httpx.AsyncClient) -> None:
    response = await client.get("/boom")

    assert response.status_code == 500
    assert response.json() == {
        "error": {
            "code": "internal_error",
            "message": "Something went wrong on our side.",
            "details": [],
        }
    }
    assert "secret internals" not in response.text


async def test_request_id_is_kept_when_sane_and_replaced_when_not(
    client: httpx.AsyncClient,
) -> None:
    kept = await client.get("/livez", headers={"x-request-id": "abc-123"})
    assert kept.headers["x-request-id"] == "abc-123"
    replaced = await client.get("/livez", headers={"x-request-id": "bad id\twith spaces"})
    assert replaced.headers["x-request-id"] not in ("", "bad id\twith spaces")


async def test_latency_is_recorded_by_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/livez")
    metrics = (await client.get("/metrics")).text

    assert 'pickey_http_request_duration_seconds_count{method="GET",route="/livez"' in metrics
