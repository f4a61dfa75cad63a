"""Becoming a creator needs a verified email: one clear 403 the SPA can act on, nothing written."""

from __future__ import annotations

import httpx

from pickey_core.models import Creator
from pickey_core.resources import Resources
from tests.support.api_users import UserFactory
from tests.support.db import count


async def test_an_unverified_account_cannot_become_a_creator(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user(verified=False)
    answer = await user.client.post(
        "/api/v1/creators", json={"slug": "gordikey", "display_name": "Gordíkey"}
    )
    assert answer.status_code == 403
    error = answer.json()["error"]
    assert error["code"] == "email_not_verified"
    assert "email" in error["message"]
    assert await count(api_resources, Creator) == 0


async def test_once_verified_the_same_account_becomes_a_creator(make_user: UserFactory) -> None:
    user = await make_user(verified=True)
    answer = await user.client.post(
        "/api/v1/creators", json={"slug": "gordikey", "display_name": "Gordíkey"}
    )
    assert answer.status_code == 201, answer.text


async def test_the_gate_is_documented_on_the_route(api_client: httpx.AsyncClient) -> None:
    spec = (await api_client.get("/openapi.json")).json()
    responses = spec["paths"]["/api/v1/creators"]["post"]["responses"]
    assert "EmailNotVerified" in responses["403"]["description"]
