"""The new-password policy at sign-up: guessable passwords refused, ordinary ones accepted."""

from __future__ import annotations

import httpx
import pytest

from pickey_core.models import OutboxMessage, User
from pickey_core.resources import Resources
from tests.support.db import count

SIGNUP = "/api/v1/accounts"


def sign_up_body(password: str) -> dict[str, str]:
    return {"email": "jana.novakova@example.cz", "password": password, "display_name": "Jana"}


@pytest.mark.parametrize(
    "password",
    [
        "password123",
        "Qwertzuiop",
        "12345678",
        "aaaaaaaaaaaa",
        "abababababab",
        "jana.novakova@example.cz",
        "jana.novakova1",
        "JANA.NOVAKOVA-2024",
    ],
)
async def test_guessable_passwords_are_refused_and_nothing_is_written(
    api_client: httpx.AsyncClient, api_resources: Resources, password: str
) -> None:
    response = await api_client.post(SIGNUP, json=sign_up_body(password))

    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "weak_password"
    assert error["details"][0]["loc"] == ["body", "password"]
    assert await count(api_resources, User) == 0
    assert await count(api_resources, OutboxMessage) == 0


@pytest.mark.parametrize(
    "password", ["granulky-a-steaky", "jana.novakova-a-jeji-pes-gordikey", "Kůň úpěl ďábelské ódy"]
)
async def test_ordinary_passwords_are_accepted(
    api_client: httpx.AsyncClient, password: str
) -> None:
    response = await api_client.post(SIGNUP, json=sign_up_body(password))

    assert response.status_code == 201, response.text
