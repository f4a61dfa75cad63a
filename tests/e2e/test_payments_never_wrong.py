"""Over HTTP with real processes (api, payments web and worker, the GP webpay sandbox): a double
checkout paid twice ends as one month and one automatic refund; a gateway refusal of the request
followed by the genuine paid return grants the membership; a refund whose answer is lost when
its worker is killed mid-call is resolved by asking the gateway, and made once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import httpx
import pytest

from pickey_core.models import Membership, MembershipStatus, Payment, Refund, RefundState
from pickey_core.models import PaymentState as State
from pickey_core.resources import Resources
from pickey_payments.billing_period import add_month
from tests.support.db import all_rows
from tests.support.e2e_accounts import PASSWORD, created, signed_in
from tests.support.e2e_payments import (
    RESULT_PAGE,
    creator_with_secret_post,
    environment,
    join_through_the_gateway,
    payments_platform,
    wait_until,
)
from tests.support.processes import running_all, web, worker
from tests.support.settings import GPWEBPAY_MERCHANT_NUMBER, TestEnvironment


@pytest.fixture
async def resources(test_env: TestEnvironment, clean_state: None) -> AsyncIterator[Resources]:
    opened = await Resources.open(test_env.payments())
    yield opened
    await opened.close()


def logged_in(api_url: str, email: str) -> httpx.Client:
    """A second session of an existing account (the creator, back on their dashboard)."""
    client = httpx.Client(base_url=f"{api_url}/api/v1", timeout=30)
    login = client.post("/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    client.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return client


def payments_client(fan: httpx.Client, payments_url: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{payments_url}/payments/v1",
        cookies=fan.cookies,
        headers={"X-CSRF-Token": fan.headers["X-CSRF-Token"]},
        timeout=30,
    )


def press(browser: httpx.Client, sandbox_url: str, order_number: str, outcome: str) -> str:
    """Press an outcome on the sandbox's page; where the gateway sends the browser."""
    pressed = browser.post(
        f"{sandbox_url}/sandbox/gpwebpay/orders/{GPWEBPAY_MERCHANT_NUMBER}/{order_number}/choose",
        data={"outcome": outcome},
    )
    assert pressed.status_code == 303
    location: str = pressed.headers["location"]
    return location


def landing(answer: httpx.Response) -> dict[str, list[str]]:
    assert answer.status_code == 303, answer.text
    assert answer.headers["location"].startswith(RESULT_PAGE + "?")
    return parse_qs(urlsplit(answer.headers["location"]).query)


async def sandbox_order(sandbox_url: str, order_number: str) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=sandbox_url, timeout=30) as sandbox:
        orders = (await sandbox.get("/sandbox/gpwebpay/orders")).json()
    [order] = [o for o in orders if o["order_number"] == order_number]
    return dict(order)


async def test_a_double_checkout_paid_twice_is_one_month_and_one_automatic_refund(
    test_env: TestEnvironment, resources: Resources, tmp_path: Path
) -> None:
    with payments_platform(test_env, tmp_path) as (api_url, payments_url):
        tier, _ = creator_with_secret_post(api_url, test_env.database_url)
        fan = signed_in(api_url, "fan@example.cz", "Fanoušek", test_env.database_url)
        client = payments_client(fan, payments_url)
        browser = httpx.Client(headers={"Accept": "text/html"}, timeout=30)
        body = {"kind": "membership", "tier_id": tier["id"]}
        # Two tabs: both reach the gateway's page.
        first = created(client.post("/checkouts", json=body))
        second = created(client.post("/checkouts", json=body))
        for tab in (first, second):
            assert browser.get(tab["redirect_url"]).status_code == 200
        newer = browser.get(press(browser, test_env.sandbox_url, second["order_number"], "paid"))
        assert landing(newer)["outcome"] == ["paid"]
        older = browser.get(press(browser, test_env.sandbox_url, first["order_number"], "paid"))
        assert landing(older)["outcome"] == ["cancelled"]  # superseded; the gateway is asked

        async def refunded() -> bool:
            rows = await all_rows(resources, Refund)
            return bool(rows) and rows[0].state is RefundState.SUCCEEDED

        await wait_until(refunded, "the second charge to be refunded", timeout=90)
        [refund] = await all_rows(resources, Refund)
        assert (str(refund.payment_id), refund.amount, refund.automatic) == (
            first["payment_id"], 9900, True,
        )  # fmt: skip
        [membership] = await all_rows(resources, Membership)
        assert membership.status is MembershipStatus.ACTIVE
        assert membership.current_period_start is not None
        assert membership.current_period_end == add_month(membership.current_period_start)
        listed = created(client.get("/payments"))["items"]
        assert {(i["id"], i["refunded"]) for i in listed} == {
            (first["payment_id"], 9900),
            (second["payment_id"], 0),
        }
    gateway_side = await sandbox_order(test_env.sandbox_url, first["order_number"])
    assert (gateway_side["refunded"], gateway_side["state"]) == (9900, "refunded")


def mangled(digest: str) -> str:
    """The digest with its first character changed (always changed: a signature that already
    began with the replacement would otherwise arrive intact)."""
    return ("B" if digest.startswith("A") else "A") + digest[1:]


async def test_a_refused_request_then_the_genuine_paid_return_grants_the_membership(
    test_env: TestEnvironment, resources: Resources, tmp_path: Path
) -> None:
    with payments_platform(test_env, tmp_path) as (api_url, payments_url):
        tier, _ = creator_with_secret_post(api_url, test_env.database_url)
        fan = signed_in(api_url, "fan@example.cz", "Fanoušek", test_env.database_url)
        client = payments_client(fan, payments_url)
        browser = httpx.Client(headers={"Accept": "text/html"}, timeout=30)
        checkout = created(
            client.post("/checkouts", json={"kind": "membership", "tier_id": tier["id"]})
        )
        # The request reaches the gateway mangled (a browser extension, a proxy): PRCODE 31.
        parts = urlsplit(checkout["redirect_url"])
        fields = [(k, mangled(v) if k == "DIGEST" else v) for k, v in parse_qsl(parts.query)]
        refused = browser.get(f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(fields)}")
        assert refused.status_code == 302
        back = landing(browser.get(refused.headers["location"]))
        assert back == {
            "payment_id": [checkout["payment_id"]],
            "outcome": ["error"],
            "error": ["gateway_refused_request"],
        }
        # The fan tries again with the genuine request and pays.
        assert browser.get(checkout["redirect_url"]).status_code == 200
        paid = browser.get(press(browser, test_env.sandbox_url, checkout["order_number"], "paid"))
        assert landing(paid)["outcome"] == ["paid"]
    [payment] = await all_rows(resources, Payment)
    assert payment.state is State.PAID
    [membership] = await all_rows(resources, Membership)
    assert membership.status is MembershipStatus.ACTIVE


async def test_a_refund_whose_worker_is_killed_mid_call_is_made_once(
    test_env: TestEnvironment, resources: Resources, tmp_path: Path
) -> None:
    api, api_url = web("api")
    payments, payments_url = web("payments")
    # The gateway's WS answer takes 3 s; a refund in doubt is asked about 5 s after it was sent;
    # the killed job becomes runnable again once its arq lock expires (job timeout + a bit).
    env = environment(
        test_env,
        payments_url,
        PICKEY_BILLING__CHARGE_LEASE_SECONDS="5",
        PICKEY_GPWEBPAY__WS_TIMEOUT_SECONDS="4",
        PICKEY_WORKER__JOB_TIMEOUT_SECONDS="10",
    )
    (tmp_path / "first").mkdir()
    (tmp_path / "second").mkdir()
    with running_all([api, payments], env=env, log_dir=tmp_path):
        tier, _ = creator_with_secret_post(api_url, test_env.database_url)
        fan = signed_in(api_url, "fan@example.cz", "Fanoušek", test_env.database_url)
        checkout = join_through_the_gateway(fan, payments_url, test_env.sandbox_url, tier)
        creator = logged_in(api_url, "gordikey@example.cz")
        async with httpx.AsyncClient(base_url=test_env.sandbox_url, timeout=30) as sandbox:
            plan = {"next": [{"kind": "timeout", "seconds": 3}]}
            (await sandbox.post("/sandbox/gpwebpay/ws-plan", json=plan)).raise_for_status()
        asked = payments_client(creator, payments_url).post(
            f"/payments/{checkout['payment_id']}/refunds", json={"amount": 2500}
        )
        assert asked.status_code == 202, asked.text

        async def made_at_gateway() -> bool:
            order = await sandbox_order(test_env.sandbox_url, checkout["order_number"])
            return bool(order["refunds"])

        with running_all([worker("payments")], env=env, log_dir=tmp_path / "first") as first:
            await wait_until(made_at_gateway, "the gateway to make the refund")
            first["payments-worker"].process.kill()
            first["payments-worker"].wait(10)
        [refund] = await all_rows(resources, Refund)
        assert refund.state is RefundState.PENDING  # no answer recorded

        with running_all([worker("payments")], env=env, log_dir=tmp_path / "second"):

            async def settled() -> bool:
                [row] = await all_rows(resources, Refund)
                return row.state is RefundState.SUCCEEDED

            await wait_until(settled, "the refund in doubt to be resolved", timeout=120)
    order = await sandbox_order(test_env.sandbox_url, checkout["order_number"])
    assert (order["refunded"], len(order["refunds"])) == (2500, 1)
