"""A creator with a member-only post and a fan who pays on the GP webpay sandbox's page, over
HTTP against real api and payments processes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from tests.support.e2e_accounts import created, signed_in
from tests.support.processes import running_all, web, worker
from tests.support.settings import GPWEBPAY_MERCHANT_NUMBER, TestEnvironment

SECRET = "Only for Na steaky members: the steak recipe."


RESULT_PAGE = "https://app.pickey.test/payments/result"


def environment(test_env: TestEnvironment, payments_url: str, **extra: str) -> dict[str, str]:
    return {
        **test_env.variables(),
        "PICKEY_SESSION__COOKIE_SECURE": "false",  # plain http on localhost, as in `just dev`
        "PICKEY_GPWEBPAY__RETURN_URL": f"{payments_url}/payments/v1/gpwebpay/return",
        "PICKEY_GPWEBPAY__RESULT_PAGE_URL": RESULT_PAGE,
        **extra,
    }


@contextmanager
def payments_platform(test_env: TestEnvironment, log_dir: Path) -> Iterator[tuple[str, str]]:
    """The api, the payments web server and the payments worker as real processes, configured by
    :func:`environment`, until the block ends; yields the api's and payments' base URLs."""
    api, api_url = web("api")
    payments, payments_url = web("payments")
    env = environment(test_env, payments_url)
    with running_all([api, payments, worker("payments")], env=env, log_dir=log_dir):
        yield api_url, payments_url


def creator_with_secret_post(
    api_url: str, database_url: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Gordíkey with a 99 Kč tier and a post for its members; the tier and the post."""
    creator = signed_in(api_url, "gordikey@example.cz", "Gordíkey", database_url)
    created(creator.post("/creators", json={"slug": "gordikey", "display_name": "Gordíkey"}))
    creator.headers["X-CSRF-Token"] = creator.cookies["pickey_csrf"]
    tier = created(
        creator.post(
            "/creators/me/tiers",
            json={"name": "Na steaky", "price_amount": 9900, "currency": "CZK"},
        )
    )
    post = created(
        creator.post(
            "/posts",
            json={
                "kind": "text",
                "title": "Steak night",
                "body": SECRET,
                "access": "members",
                "tier_ids": [tier["id"]],
            },
        )
    )
    created(creator.post(f"/posts/{post['id']}/publish"))
    return tier, post


def join_through_the_gateway(
    fan: httpx.Client, payments_url: str, sandbox_url: str, tier: dict[str, Any]
) -> dict[str, Any]:
    """Check out, pay on the sandbox's page by pressing its button, follow the redirects."""
    payments = httpx.Client(
        base_url=f"{payments_url}/payments/v1",
        cookies=fan.cookies,  # the api's session cookie works here: sessions live in Redis
        headers={"X-CSRF-Token": fan.headers["X-CSRF-Token"]},
        timeout=30,
    )
    checkout = created(
        payments.post("/checkouts", json={"kind": "membership", "tier_id": tier["id"]})
    )
    browser = httpx.Client(headers={"Accept": "text/html"}, timeout=30)
    page = browser.get(checkout["redirect_url"])
    assert page.status_code == 200
    assert "Clenstvi Na steaky u Gordikey" in page.text
    pressed = browser.post(
        f"{sandbox_url}/sandbox/gpwebpay/orders/{GPWEBPAY_MERCHANT_NUMBER}/"
        f"{checkout['order_number']}/choose",
        data={"outcome": "paid"},
    )
    assert pressed.status_code == 303
    back = browser.get(pressed.headers["location"])
    assert back.status_code == 303, back.text
    landing = back.headers["location"]
    assert landing.startswith(RESULT_PAGE + "?")
    assert parse_qs(urlsplit(landing).query) == {
        "payment_id": [checkout["payment_id"]],
        "outcome": ["paid"],
    }
    status = created(payments.get(f"/payments/{checkout['payment_id']}"))
    assert status["state"] == "paid"
    return checkout


async def wait_until(check: Callable[[], Awaitable[bool]], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if await check():
            return
        await asyncio.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")
