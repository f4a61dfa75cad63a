"""Over HTTP with real processes (api, payments web and worker, the GP webpay sandbox): a fan
joins with a creator's discount code, upgrades in the middle of the period and is charged the
prorated difference by the worker, and the creator finds both in the analytics and the members
CSV."""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from pickey_core.models import Membership, Payment, PaymentKind, PaymentState
from pickey_core.resources import Resources
from pickey_payments.analytics import tasks as analytics
from tests.support.db import all_rows
from tests.support.e2e_accounts import created, signed_in
from tests.support.e2e_payments import payments_platform, wait_until
from tests.support.settings import GPWEBPAY_MERCHANT_NUMBER, TestEnvironment

STEAKS, FOREVER = 9900, 19900  # "Na steaky" and "Na věčná loviště", haléře


@pytest.fixture
async def resources(test_env: TestEnvironment, clean_state: None) -> Any:
    opened = await Resources.open(test_env.payments())
    yield opened
    await opened.close()


def payments_client(fan: httpx.Client, payments_url: str) -> httpx.Client:
    return httpx.Client(
        base_url=f"{payments_url}/payments/v1",
        cookies=fan.cookies,  # sessions live in Redis: the api's cookie works here
        headers={"X-CSRF-Token": fan.headers["X-CSRF-Token"]},
        timeout=30,
    )


def pay_on_the_sandbox_page(sandbox_url: str, checkout: dict[str, Any]) -> None:
    browser = httpx.Client(headers={"Accept": "text/html"}, timeout=30)
    assert browser.get(checkout["redirect_url"]).status_code == 200
    pressed = browser.post(
        f"{sandbox_url}/sandbox/gpwebpay/orders/{GPWEBPAY_MERCHANT_NUMBER}/"
        f"{checkout['order_number']}/choose",
        data={"outcome": "paid"},
    )
    assert pressed.status_code == 303
    assert browser.get(pressed.headers["location"]).status_code == 303


async def test_a_discounted_member_upgrades_mid_period_and_the_creator_sees_it(
    test_env: TestEnvironment, resources: Resources, tmp_path: Path
) -> None:
    with payments_platform(test_env, tmp_path) as (api_url, payments_url):
        creator = signed_in(api_url, "gordikey@example.cz", "Gordíkey", test_env.database_url)
        created(creator.post("/creators", json={"slug": "gordikey", "display_name": "Gordíkey"}))
        creator.headers["X-CSRF-Token"] = creator.cookies["pickey_csrf"]
        steaks = created(
            creator.post(
                "/creators/me/tiers",
                json={"name": "Na steaky", "price_amount": STEAKS, "currency": "CZK"},
            )
        )
        forever = created(
            creator.post(
                "/creators/me/tiers",
                json={"name": "Na věčná loviště", "price_amount": FOREVER, "currency": "CZK"},
            )
        )
        shop = payments_client(creator, payments_url)
        created(
            shop.post(
                "/creator/discount-codes",
                json={
                    "code": "LETO",
                    "discount": {"kind": "percent", "percent_off": 20},
                    "duration_periods": 2,
                },
            )
        )

        # The fan joins with the code typed in lower case: 20 % off 99 Kč.
        fan = signed_in(api_url, "fan@example.cz", "Fanoušek", test_env.database_url)
        fan_payments = payments_client(fan, payments_url)
        checkout = created(
            fan_payments.post(
                "/checkouts",
                json={"kind": "membership", "tier_id": steaks["id"], "discount_code": "leto"},
            )
        )
        assert checkout["amount"] == 7920
        assert checkout["discount"] == {
            "code": "LETO",
            "list_amount": STEAKS,
            "discount_amount": 1980,
        }
        pay_on_the_sandbox_page(test_env.sandbox_url, checkout)
        assert created(fan_payments.get(f"/payments/{checkout['payment_id']}"))["state"] == "paid"

        # Ten days into a 31-day period (moved back in time, as a calendar would have).
        [membership] = await all_rows(resources, Membership)
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)
        end = start + timedelta(days=31)
        async with resources.unit_of_work() as session:
            await session.execute(
                update(Membership)
                .where(Membership.id == membership.id)
                .values(current_period_start=start, current_period_end=end)
            )
            await session.execute(
                update(Payment)
                .where(Payment.id == checkout["payment_id"])
                .values(period_start=start)
            )

        before = datetime.now(UTC)
        asked = fan_payments.post(
            f"/memberships/{membership.id}/upgrade", json={"tier_id": forever["id"]}
        )
        after = datetime.now(UTC)
        assert asked.status_code == 202, asked.text
        upgrade = asked.json()

        # ceil((199 - 99 Kč) * remaining / period), the remaining seconds counted from the moment
        # the request was served (between `before` and `after`, whole seconds).
        period = (end - start).total_seconds()

        def charge(at: datetime) -> int:
            remaining = math.floor((end - at).total_seconds())
            return math.ceil((FOREVER - STEAKS) * remaining / period)

        assert charge(after) <= upgrade["amount"] <= charge(before)
        assert 6700 <= upgrade["amount"] <= 6800  # about 21 of 31 days of 100 Kč

        async def upgraded() -> bool:
            state = created(fan_payments.get(f"/payments/{upgrade['payment_id']}"))["state"]
            return state == "paid"

        await wait_until(upgraded, "the worker's upgrade charge")
        [held] = await all_rows(resources, Membership)
        assert str(held.tier_id) == forever["id"]
        assert held.current_period_end == end  # the period is not restarted by an upgrade
        [charged] = await all_rows(resources, Payment, Payment.kind == PaymentKind.UPGRADE.value)
        assert (charged.state, charged.amount) == (PaymentState.PAID, upgrade["amount"])

        # The creator's figures: the hourly analytics job, run now as the worker runs it.
        await analytics.run(resources, datetime.now(UTC))
        paid = 7920 + upgrade["amount"]
        figures = created(creator.get("/creators/me/analytics"))
        month = figures["months"][-1]
        assert (month["new_members"], month["active_end"], month["churned"]) == (1, 1, 0)
        assert month["membership_revenue"] == paid
        # MRR counts the upgraded tier's list price (a code still running on the renewals is
        # not subtracted from MRR: a documented simplification).
        assert month["mrr_end"] == FOREVER
        assert {row["tier_id"]: row["gross"] for row in month["revenue_per_tier"]} == {
            steaks["id"]: 7920,
            forever["id"]: upgrade["amount"],
        }

        exported = creator.get("/creators/me/members.csv")
        assert exported.status_code == 200, exported.text
        [row] = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
        assert (row["tier"], row["status"], row["lifetime_paid"]) == (
            "Na věčná loviště",
            "active",
            f"{paid // 100}.{paid % 100:02d}",  # a spreadsheet reads koruny, to the haléř
        )
        assert row["email"] == ""  # the fan did not agree to share it with creators
