"""The gateway's browser return, end to end through the GP webpay sandbox: a fan pays, declines,
cancels, refreshes; the payment is settled once and the fan lands on the SPA's result page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from sqlalchemy import update

from pickey_core.models import (
    Membership,
    MembershipStatus,
    OutboxMessage,
    Payment,
    PaymentState,
    PostAccess,
    PostUnlock,
    User,
)
from pickey_core.queue.contracts import AnnouncePayment
from pickey_core.resources import Resources
from pickey_payments.billing_period import add_month
from tests.payments.flows import at_gateway
from tests.support import factories
from tests.support.db import all_rows
from tests.support.gpwebpay import GpWebpaySandbox, returned_to
from tests.support.payments_fans import ORIGIN, Fan, FanFactory, Shop

BROWSER = {"Accept": "text/html,application/xhtml+xml"}
RESULT_PAGE = "http://127.0.0.1:5173/payments/result"


async def pay(
    fan: Fan, gpwebpay: GpWebpaySandbox, body: dict[str, Any], outcome: str = "paid"
) -> tuple[dict[str, Any], str]:
    created, location = await at_gateway(fan, gpwebpay, body, outcome)
    assert location is not None
    return created, location


async def come_back(fan: Fan, location: str) -> httpx.Response:
    """The browser follows the gateway's redirect to our return URL."""
    return await fan.client.get(returned_to(location, ORIGIN), headers=BROWSER)


def result_page_params(answer: httpx.Response) -> dict[str, list[str]]:
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith(RESULT_PAGE + "?")
    return parse_qs(urlsplit(location).query)


def announcements(rows: list[OutboxMessage]) -> list[str]:
    return [row.payload["payment_id"] for row in rows if row.job_name == AnnouncePayment.job_name]


async def test_a_paid_membership_activates_once_however_often_the_return_comes(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    fan = await make_fan()
    created, location = await pay(
        fan, gpwebpay, {"kind": "membership", "tier_id": str(shop.tiers[1].id)}
    )

    answers = [await come_back(fan, location) for _ in range(10)]

    for answer in answers:
        assert result_page_params(answer) == {
            "payment_id": [created["payment_id"]],
            "outcome": ["paid"],
        }
    [payment] = await all_rows(payments_resources, Payment)
    [membership] = await all_rows(payments_resources, Membership)
    assert (payment.state, payment.prcode, payment.srcode) == (PaymentState.PAID, "0", "0")
    assert payment.membership_id == membership.id
    assert membership.status is MembershipStatus.ACTIVE
    assert (membership.fan_id, membership.tier_id) == (fan.user.id, shop.tiers[1].id)
    assert membership.master_payment_id == payment.id
    assert payment.paid_at is not None
    assert membership.current_period_start is not None
    assert abs(membership.current_period_start - payment.paid_at) < timedelta(seconds=5)
    assert membership.current_period_end == add_month(membership.current_period_start)
    outbox = await all_rows(payments_resources, OutboxMessage)
    assert announcements(outbox) == [created["payment_id"]]


async def test_the_gateway_may_post_the_return_as_a_form(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    fan = await make_fan()
    tip = {"kind": "tip", "creator_id": str(shop.creator.id), "amount": 10000, "currency": "CZK"}
    _, location = await pay(fan, gpwebpay, tip)
    answer = await fan.client.post(
        f"{ORIGIN}{urlsplit(location).path}",
        content=urlsplit(location).query,
        headers={**BROWSER, "Content-Type": "application/x-www-form-urlencoded"},
    )
    assert result_page_params(answer)["outcome"] == ["paid"]
    [payment] = await all_rows(payments_resources, Payment)
    assert payment.state is PaymentState.PAID
    assert await all_rows(payments_resources, Membership) == []


async def test_a_paid_unlock_lets_the_fan_read_the_post(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        post = await factories.post(
            session, shop.creator, access=PostAccess.PAID, unlock_price_amount=4900,
            unlock_currency="CZK",
        )  # fmt: skip
    _, location = await pay(fan, gpwebpay, {"kind": "unlock", "post_id": str(post.id)})
    await come_back(fan, location)
    await come_back(fan, location)
    [unlock] = await all_rows(payments_resources, PostUnlock)
    assert (unlock.user_id, unlock.post_id) == (fan.user.id, post.id)
    again = await fan.client.post("/checkouts", json={"kind": "unlock", "post_id": str(post.id)})
    assert again.json()["error"]["code"] == "already_unlocked"


@pytest.mark.parametrize(
    ("outcome", "state", "spa"),
    [
        ("declined", PaymentState.FAILED, "failed"),
        ("3ds_failed", PaymentState.FAILED, "failed"),
        ("cancelled", PaymentState.CANCELLED, "cancelled"),
        ("technical", PaymentState.UNKNOWN, "pending"),
    ],
)
async def test_unpaid_outcomes_and_a_retry_with_a_new_order_number(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
    outcome: str,
    state: PaymentState,
    spa: str,
) -> None:
    fan = await make_fan()
    body = {"kind": "membership", "tier_id": str(shop.tiers[0].id)}
    first, location = await pay(fan, gpwebpay, body, outcome)

    answer = await come_back(fan, location)

    assert result_page_params(answer)["outcome"] == [spa]
    [payment] = await all_rows(payments_resources, Payment)
    assert payment.state is state
    assert await all_rows(payments_resources, Membership) == []
    assert announcements(await all_rows(payments_resources, OutboxMessage)) == []
    # The fan tries again: a new order, a new number, and this time it is paid.
    second, location = await pay(fan, gpwebpay, body)
    assert second["order_number"] != first["order_number"]
    assert result_page_params(await come_back(fan, location))["outcome"] == ["paid"]
    [membership] = await all_rows(payments_resources, Membership)
    assert membership.status is MembershipStatus.ACTIVE


async def test_a_return_answers_json_to_clients_that_are_not_browsers(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox
) -> None:
    fan = await make_fan()
    membership = {"kind": "membership", "tier_id": str(shop.tiers[0].id)}
    created, location = await pay(fan, gpwebpay, membership)
    answer = await fan.client.get(returned_to(location, ORIGIN))
    assert answer.status_code == 200
    assert answer.json() == {"payment_id": created["payment_id"], "outcome": "paid"}


async def test_a_payment_by_an_account_deleted_at_the_gateway_grants_nothing(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    fan = await make_fan()
    _, location = await pay(fan, gpwebpay, {"kind": "membership", "tier_id": str(shop.tiers[0].id)})
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(User).where(User.id == fan.user.id).values(deleted_at=datetime.now(UTC))
        )
    await come_back(fan, location)
    [payment] = await all_rows(payments_resources, Payment)
    assert payment.state is PaymentState.PAID  # the money moved: support refunds it
    assert await all_rows(payments_resources, Membership) == []
    assert announcements(await all_rows(payments_resources, OutboxMessage)) == []


@pytest.mark.parametrize(
    ("outcome", "state", "spa"),
    [
        ("soft_decline", PaymentState.FAILED, "failed"),
        ("technical_26", PaymentState.UNKNOWN, "pending"),
        ("ok_with_srcode", PaymentState.FAILED, "failed"),
        ("declined_cp1250", PaymentState.FAILED, "failed"),
    ],
)
async def test_gateway_codes_that_public_clients_disagree_on(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
    outcome: str,
    state: PaymentState,
    spa: str,
) -> None:
    """PRCODE 300 (SCA) fails and the fan pays by hand, 26 is unknown (reconciled), 0 with
    SRCODE != 0 is a failure, a windows-1250 RESULTTEXT verifies and is stored as text."""
    fan = await make_fan()
    tip = {"kind": "tip", "creator_id": str(shop.creator.id), "amount": 10000, "currency": "CZK"}
    _, location = await pay(fan, gpwebpay, tip, outcome)
    assert result_page_params(await come_back(fan, location))["outcome"] == [spa]
    [payment] = await all_rows(payments_resources, Payment)
    assert payment.state is state
    if outcome == "declined_cp1250":
        assert payment.result_text == "Zamítnuto v autorizačním centru"
