"""Annual plans: the fan chooses a year at checkout, pays the yearly price, renews per year
(against the sandbox's WS API) and is reminded a month ahead."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from pickey_core.models import BillingInterval, Membership, Payment, Tier
from pickey_core.models import PaymentState as State
from pickey_core.resources import Resources
from pickey_payments.billing_period import add_month, add_year
from pickey_payments.gateway import Gateway
from tests.payments.flows import pay
from tests.support.db import all_rows
from tests.support.gpwebpay import GpWebpaySandbox
from tests.support.payments_fans import Fan, FanFactory, Shop
from tests.support.renewals import make_due, master_order, membership_of, notices, renewals_of, run

YEARLY = 99_000  # 990 Kč a year for the 99 Kč tier: two months free


@pytest.fixture
async def yearly_tier(shop: Shop, payments_resources: Resources) -> Tier:
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Tier).where(Tier.id == shop.tiers[1].id).values(yearly_price_amount=YEARLY)
        )
    return shop.tiers[1]


async def join_yearly(fan: Fan, gpwebpay: GpWebpaySandbox, tier: Tier) -> None:
    await pay(fan, gpwebpay, {"kind": "membership", "tier_id": str(tier.id), "interval": "year"})


async def test_a_yearly_checkout_pays_the_yearly_price_for_a_year(
    make_fan: FanFactory,
    yearly_tier: Tier,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    await join_yearly(fan, gpwebpay, yearly_tier)

    membership = await membership_of(payments_resources, fan)
    assert membership.billing_interval is BillingInterval.YEAR
    assert membership.current_period_start is not None
    assert membership.current_period_end == add_year(membership.current_period_start)
    [master] = await all_rows(
        payments_resources, Payment, Payment.id == membership.master_payment_id
    )
    assert (master.amount, master.state, master.billing_interval) == (
        YEARLY,
        State.PAID,
        BillingInterval.YEAR,
    )
    [order] = [o for o in await gpwebpay.orders() if o["order_number"] == master.order_number]
    assert order["amount"] == str(YEARLY)


async def test_a_yearly_membership_renews_for_a_year_at_the_yearly_price(
    make_fan: FanFactory,
    yearly_tier: Tier,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    await join_yearly(fan, gpwebpay, yearly_tier)
    membership = await membership_of(payments_resources, fan)
    end = await make_due(payments_resources, membership.id, timedelta(minutes=1))

    await run(payments_resources, gateway)

    [charge] = await gpwebpay.charges_against(await master_order(payments_resources, membership))
    assert (charge["fields"]["kind"], charge["amount"]) == (
        "processRegularSubscriptionPayment",
        str(YEARLY),
    )
    [renewal] = await renewals_of(payments_resources, membership.id)
    assert (renewal.state, renewal.amount, renewal.billing_interval) == (
        State.PAID,
        YEARLY,
        BillingInterval.YEAR,
    )
    renewed = await membership_of(payments_resources, fan)
    assert (renewed.current_period_start, renewed.current_period_end) == (end, add_year(end))


async def test_a_monthly_member_still_renews_monthly_at_the_monthly_price(
    make_fan: FanFactory,
    yearly_tier: Tier,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    await pay(fan, gpwebpay, {"kind": "membership", "tier_id": str(yearly_tier.id)})
    membership = await membership_of(payments_resources, fan)
    end = await make_due(payments_resources, membership.id, timedelta(minutes=1))

    await run(payments_resources, gateway)

    [renewal] = await renewals_of(payments_resources, membership.id)
    assert (renewal.state, renewal.amount) == (State.PAID, 9900)
    assert (await membership_of(payments_resources, fan)).current_period_end == add_month(end)


async def set_end(resources: Resources, membership: Membership, end: datetime) -> None:
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Membership).where(Membership.id == membership.id).values(current_period_end=end)
        )


async def test_a_yearly_renewal_is_announced_a_month_ahead_a_monthly_one_days_ahead(
    make_fan: FanFactory,
    yearly_tier: Tier,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    yearly_fan, monthly_fan = await make_fan(), await make_fan()
    await join_yearly(yearly_fan, gpwebpay, yearly_tier)
    await pay(monthly_fan, gpwebpay, {"kind": "membership", "tier_id": str(yearly_tier.id)})
    yearly = await membership_of(payments_resources, yearly_fan)
    monthly = await membership_of(payments_resources, monthly_fan)
    in_29_days = datetime.now(UTC) + timedelta(days=29)
    await set_end(payments_resources, yearly, in_29_days)
    await set_end(payments_resources, monthly, in_29_days)

    await run(payments_resources, gateway)

    [notice] = await notices(payments_resources)
    assert (notice["notice"], notice["membership_id"]) == ("renewal_upcoming", str(yearly.id))
    # 31 days ahead is too early even for a year; 2 days ahead reaches the monthly one.
    await set_end(payments_resources, yearly, datetime.now(UTC) + timedelta(days=31))
    await set_end(payments_resources, monthly, datetime.now(UTC) + timedelta(days=2))
    await run(payments_resources, gateway)
    reminded = [(n["notice"], n["membership_id"]) for n in await notices(payments_resources)]
    assert reminded == [("renewal_upcoming", str(yearly.id)), ("renewal_upcoming", str(monthly.id))]


async def test_refusals(
    make_fan: FanFactory, shop: Shop, yearly_tier: Tier, gpwebpay: GpWebpaySandbox
) -> None:
    fan = await make_fan()
    monthly_only = shop.tiers[2]
    for body, status, code in [
        ({"tier_id": str(monthly_only.id), "interval": "year"}, 409, "no_yearly_price"),
        ({"tier_id": str(yearly_tier.id), "interval": "week"}, 422, "validation_error"),
        ({"tier_id": str(yearly_tier.id), "interval": None}, 422, "validation_error"),
    ]:
        answer = await fan.client.post("/checkouts", json={"kind": "membership", **body})
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), body
    # A yearly member may change (at renewal) only to a tier sold yearly.
    await join_yearly(fan, gpwebpay, yearly_tier)
    [membership] = (await fan.client.get("/memberships")).json()["items"]
    assert membership["billing_interval"] == "year"
    change = await fan.client.post(
        f"/memberships/{membership['id']}/change-tier", json={"tier_id": str(monthly_only.id)}
    )
    assert (change.status_code, change.json()["error"]["code"]) == (409, "no_yearly_price")
    upgrade = await fan.client.post(
        f"/memberships/{membership['id']}/upgrade", json={"tier_id": str(monthly_only.id)}
    )
    assert (upgrade.status_code, upgrade.json()["error"]["code"]) == (409, "no_yearly_price")
