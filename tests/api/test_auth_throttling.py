"""Login throttling in Redis: per account and per client address, 429 with Retry-After, the same
answer for accounts that do not exist."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import FastAPI

from pickey_api.app import create_app
from pickey_api.settings import ApiSettings
from pickey_core.resources import Resources
from tests.support.api_users import BASE_URL, PASSWORD, UserFactory

LOGIN = "/api/v1/auth/login"
WINDOW = 900

ClientFrom = Callable[[str], httpx.AsyncClient]


@pytest.fixture
async def client_from(api_app: FastAPI) -> AsyncIterator[ClientFrom]:
    """Anonymous clients that reach the app from a given IP address."""
    clients: list[httpx.AsyncClient] = []

    def make(address: str) -> httpx.AsyncClient:
        transport = httpx.ASGITransport(app=api_app, client=(address, 40000))
        client = httpx.AsyncClient(transport=transport, base_url=BASE_URL)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()


async def log_in(client: httpx.AsyncClient, email: str, password: str) -> httpx.Response:
    return await client.post(LOGIN, json={"email": email, "password": password})


def assert_throttled(response: httpx.Response, window: int = WINDOW) -> None:
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_login_attempts"
    assert 0 < int(response.headers["Retry-After"]) <= window
    assert "set-cookie" not in response.headers


async def test_five_failures_lock_the_account_even_for_the_right_password(
    api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    user = await make_user()

    failures = [(await log_in(api_client, user.email, "guess")).status_code for _ in range(5)]
    right = await log_in(api_client, user.email, PASSWORD)

    assert failures == [401] * 5
    assert_throttled(right)


async def test_throttled_answers_do_not_reveal_whether_the_account_exists(
    api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    user = await make_user()
    answers = {}
    for email in (user.email, "nobody@example.cz"):
        for _ in range(5):
            await log_in(api_client, email, "guess")
        answers[email] = await log_in(api_client, email, "guess")

    known, unknown = answers.values()
    assert_throttled(known)
    assert_throttled(unknown)
    assert known.json() == unknown.json()
    assert abs(int(known.headers["Retry-After"]) - int(unknown.headers["Retry-After"])) <= 2


async def test_a_successful_login_clears_the_account_count(
    api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    user = await make_user()
    for _ in range(4):
        await log_in(api_client, user.email, "guess")
    assert (await log_in(api_client, user.email, PASSWORD)).status_code == 200

    again = [(await log_in(api_client, user.email, "guess")).status_code for _ in range(6)]

    assert again == [401] * 5 + [429]


async def test_the_account_limit_holds_across_addresses(
    client_from: ClientFrom, make_user: UserFactory
) -> None:
    user = await make_user()
    for i in range(5):
        await log_in(client_from(f"198.51.100.{i}"), user.email, "guess")

    assert_throttled(await log_in(client_from("203.0.113.9"), user.email, PASSWORD))


async def test_one_address_is_limited_across_accounts_and_others_are_not(
    client_from: ClientFrom, make_user: UserFactory
) -> None:
    user = await make_user()
    attacker = client_from("203.0.113.66")
    failures = [
        (await log_in(attacker, f"victim{i}@example.cz", "guess")).status_code for i in range(20)
    ]

    from_attacker = await log_in(attacker, user.email, PASSWORD)
    from_elsewhere = await log_in(client_from("198.51.100.7"), user.email, PASSWORD)

    assert failures == [401] * 20
    assert_throttled(from_attacker)
    assert from_elsewhere.status_code == 200


async def test_successful_logins_do_not_use_up_a_shared_address(
    client_from: ClientFrom, make_user: UserFactory
) -> None:
    """An office behind one NAT address: many people logging in is not an attack."""
    users = [await make_user() for _ in range(3)]
    office = client_from("192.0.2.10")

    answers = [
        (await log_in(office, user.email, PASSWORD)).status_code for user in users for _ in range(8)
    ]

    assert answers == [200] * 24


async def test_parallel_guesses_cannot_exceed_the_limit(
    api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    user = await make_user()

    answers = await asyncio.gather(*(log_in(api_client, user.email, "guess") for _ in range(12)))

    assert sorted(answer.status_code for answer in answers) == [401] * 5 + [429] * 7


@pytest.fixture
async def one_second_window_client(
    api_settings: ApiSettings, api_resources: Resources
) -> AsyncIterator[httpx.AsyncClient]:
    auth = api_settings.auth.model_copy(update={"login_window_seconds": 1})
    app = create_app(api_settings.model_copy(update={"auth": auth}), resources=api_resources)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as client:
        yield client


async def test_the_lock_ends_with_the_window(
    one_second_window_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    user = await make_user()
    for _ in range(5):
        await log_in(one_second_window_client, user.email, "guess")
    assert_throttled(await log_in(one_second_window_client, user.email, PASSWORD), window=1)

    await asyncio.sleep(1.5)

    assert (await log_in(one_second_window_client, user.email, PASSWORD)).status_code == 200


async def test_counters_hold_no_email_addresses(
    api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    await log_in(api_client, "private.person@example.cz", "guess")

    keys = await api_resources.redis.keys("pickey:throttle:*")

    assert len(keys) == 2  # the account and the address
    assert not any(b"private" in key for key in keys)


async def test_login_documents_the_429_and_its_retry_after(api_client: httpx.AsyncClient) -> None:
    spec = (await api_client.get("/openapi.json")).json()

    throttled = spec["paths"][LOGIN]["post"]["responses"]["429"]

    assert throttled["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ErrorBody"
    }
    assert "Retry-After" in throttled["headers"]
