"""Discount codes: the creator makes them, a fan redeems one at checkout (the gateway is asked
for the discounted price), renewals keep applying it for its periods, uses are counted without
races, the ledger and the receipt agree to the haléř, and every bad code is a clear 4xx."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from pickey_core.models import (
    DiscountCode,
    DiscountRedemption,
    Membership,
    MembershipStatus,
    OutboxMessage,
    Payment,
    PaymentDiscount,
    PaymentState,
)
from pickey_core.queue.contracts import DiscountExpiring
from pickey_core.resources import Resources
from pickey_payments.discounts import tasks as discount_tasks
from pickey_payments.gateway import Gateway
from tests.payments.flows import checkout, pay
from tests.payments.money import entries_of_payment
from tests.support import factories
from tests.support.db import all_rows, count
from tests.support.gpwebpay import GpWebpaySandbox, sent_fields
from tests.support.payments_fans import Fan, FanFactory, Shop
from tests.support.renewals import make_due, master_order, membership_of, renewals_of, run


@pytest.fixture
async def owner(make_fan: FanFactory, shop: Shop) -> Fan:
    """The shop's creator, logged in."""
    return await make_fan(user=shop.owner)


async def make_code(owner: Fan, **body: Any) -> dict[str, Any]:
    body.setdefault("discount", {"kind": "percent", "percent_off": 20})
    answer = await owner.client.post("/creator/discount-codes", json=body)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


def membership(tier_id: uuid.UUID, code: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "membership", "tier_id": str(tier_id)}
    if code is not None:
        body["discount_code"] = code
    return body


async def test_a_percent_code_lowers_the_price_the_ledger_and_the_receipt_to_the_halere(
    owner: Fan,
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    made = await make_code(owner, code="Leto-20")
    assert (made["code"], made["kind"], made["percent_off"], made["redemptions_count"]) == (
        "LETO-20",
        "percent",
        20,
        0,
    )
    fan = await make_fan()

    created = await pay(fan, gpwebpay, membership(shop.tiers[1].id, "leto-20"))

    # 99 Kč - 20 % = 9900 - 1980 = 7920, asked of the gateway.
    assert created["amount"] == 7920
    assert created["discount"] == {"code": "LETO-20", "list_amount": 9900, "discount_amount": 1980}
    assert sent_fields(created["redirect_url"])["AMOUNT"] == "7920"
    payment_id = uuid.UUID(created["payment_id"])
    async with payments_resources.sessions() as session:
        booked = await entries_of_payment(session, payment_id)
    # VAT 7920 * 21/121 = 1374.55 -> 1375; net 6545; fee 10 % = 654.5 -> 655; creator 5890.
    assert booked == {
        "gateway_clearing/payment": -7920,
        "vat_payable/vat": 1375,
        "platform_revenue/platform_fee": 655,
        "creator/payment": 5890,
    }
    receipt = (await fan.client.get(f"/payments/{payment_id}/receipt")).json()
    assert (receipt["list_price"], receipt["discount"], receipt["discount_code"]) == (
        9900,
        1980,
        "LETO-20",
    )
    assert (receipt["total"], receipt["vat"], receipt["base"]) == (7920, 1375, 6545)
    html = (await fan.client.get(f"/payments/{payment_id}/receipt.html")).text
    for text in ("99,00\u00a0Kč", "Sleva / Discount (LETO-20)", "-19,80\u00a0Kč", "79,20\u00a0Kč"):
        assert text in html, text
    pdf = await fan.client.get(f"/payments/{payment_id}/receipt.pdf")
    assert pdf.content.startswith(b"%PDF-")
    listed = (await owner.client.get("/creator/discount-codes")).json()
    assert [item["redemptions_count"] for item in listed["items"]] == [1]


async def test_a_receipt_without_a_code_shows_no_discount(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox
) -> None:
    fan = await make_fan()
    created = await pay(fan, gpwebpay, membership(shop.tiers[0].id))
    assert created["discount"] is None
    receipt = (await fan.client.get(f"/payments/{created['payment_id']}/receipt")).json()
    assert (receipt["list_price"], receipt["discount"], receipt["discount_code"]) == (
        5900,
        0,
        None,
    )


async def test_renewals_apply_the_code_for_its_periods_then_charge_the_full_price(
    owner: Fan,
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    await make_code(owner, code="DVAKRAT", duration_periods=2)
    fan = await make_fan()
    await pay(fan, gpwebpay, membership(shop.tiers[1].id, "DVAKRAT"))
    member = await membership_of(payments_resources, fan)
    master = await master_order(payments_resources, member)

    amounts = []
    for _ in range(3):
        await make_due(payments_resources, member.id, timedelta(minutes=1))
        assert (await run(payments_resources, gateway)).recorded == 1
    for renewal in await renewals_of(payments_resources, member.id):
        assert renewal.state is PaymentState.PAID
        amounts.append(renewal.amount)

    # Period 1 was the checkout, period 2 the first renewal; then the list price.
    assert amounts == [7920, 9900, 9900]
    charges = await gpwebpay.charges_against(master)
    assert [(c["fields"]["kind"], c["amount"]) for c in charges] == [
        ("processRegularSubscriptionPayment", "7920"),
        ("processRecurringPayment", "9900"),
        ("processRecurringPayment", "9900"),
    ]
    discounted = await all_rows(payments_resources, PaymentDiscount)
    assert sorted(row.discount_amount for row in discounted) == [1980, 1980]
    first_renewal = (await renewals_of(payments_resources, member.id))[0]
    receipt = (await fan.client.get(f"/payments/{first_renewal.id}/receipt")).json()
    assert (receipt["list_price"], receipt["discount"], receipt["total"]) == (9900, 1980, 7920)


async def test_a_fixed_code_forever_keeps_discounting_every_renewal(
    owner: Fan,
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    await make_code(
        owner, code="NAVZDY", discount={"kind": "fixed", "amount_off": 2000, "currency": "CZK"}
    )
    fan = await make_fan()
    created = await pay(fan, gpwebpay, membership(shop.tiers[0].id, "navzdy"))
    assert created["amount"] == 3900
    member = await membership_of(payments_resources, fan)
    for _ in range(3):
        await make_due(payments_resources, member.id, timedelta(minutes=1))
        await run(payments_resources, gateway)
    renewals = await renewals_of(payments_resources, member.id)
    assert [(r.state, r.amount) for r in renewals] == [(PaymentState.PAID, 3900)] * 3
    async with payments_resources.sessions() as session:
        booked = await entries_of_payment(session, renewals[0].id)
    # 3900 * 21/121 = 676.86 -> 677; net 3223; fee 322.3 -> 322; creator 2901.
    assert booked == {
        "gateway_clearing/payment": -3900,
        "vat_payable/vat": 677,
        "platform_revenue/platform_fee": 322,
        "creator/payment": 2901,
    }


async def test_concurrent_checkouts_take_exactly_the_uses_there_are(
    owner: Fan, make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    await make_code(owner, code="PRVNI3", max_redemptions=3)
    fans = [await make_fan() for _ in range(8)]

    answers = await asyncio.gather(
        *(
            fan.client.post("/checkouts", json=membership(shop.tiers[1].id, "PRVNI3"))
            for fan in fans
        )
    )

    statuses = sorted(answer.status_code for answer in answers)
    assert statuses == [201] * 3 + [409] * 5, [answer.text for answer in answers]
    refused = [answer.json() for answer in answers if answer.status_code == 409]
    assert {body["error"]["code"] for body in refused} == {"discount_code_exhausted"}
    [code] = await all_rows(payments_resources, DiscountCode)
    assert code.redemptions_count == 3
    assert await count(payments_resources, DiscountRedemption) == 3
    # Refused checkouts wrote nothing.
    assert await count(payments_resources, Payment) == 3


async def test_a_fan_checking_out_again_before_paying_keeps_one_use(
    owner: Fan,
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    await make_code(owner, code="JEDNOU", max_redemptions=1)
    fan = await make_fan()
    await checkout(fan, membership(shop.tiers[1].id, "JEDNOU"))
    again = await pay(fan, gpwebpay, membership(shop.tiers[2].id, "JEDNOU"))
    assert again["amount"] == 19900 - 3980
    [code] = await all_rows(payments_resources, DiscountCode)
    assert code.redemptions_count == 1
    other = await make_fan()
    exhausted = await other.client.post("/checkouts", json=membership(shop.tiers[1].id, "JEDNOU"))
    assert (exhausted.status_code, exhausted.json()["error"]["code"]) == (
        409,
        "discount_code_exhausted",
    )


async def refused(fan: Fan, body: dict[str, Any]) -> tuple[int, str]:
    answer = await fan.client.post("/checkouts", json=body)
    return answer.status_code, answer.json()["error"]["code"]


async def test_bad_codes_are_refused_in_the_shared_shape_with_nothing_written(
    owner: Fan,
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    async with payments_resources.unit_of_work() as session:
        other = await factories.creator(session, display_name="Jiný")
        other_tier = await factories.tier(session, other, 9900)
        await session.flush()
        session.add(DiscountCode(creator_id=other.id, code="CIZI", kind="percent", percent_off=10))
    await make_code(owner, code="JENSTEAK", tier_ids=[str(shop.tiers[1].id)])
    await make_code(owner, code="EURA", discount={"kind": "fixed", "amount_off": 100,
                                                   "currency": "EUR"})  # fmt: skip
    await make_code(owner, code="VELKA", discount={"kind": "fixed", "amount_off": 5900,
                                                    "currency": "CZK"})  # fmt: skip
    stale = await make_code(owner, code="STARA")
    off = await make_code(owner, code="VYPNUTA")
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(DiscountCode)
            .where(DiscountCode.id == uuid.UUID(stale["id"]))
            .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
        )
    disabled = await owner.client.post(f"/creator/discount-codes/{off['id']}/disable")
    assert disabled.status_code == 200
    assert disabled.json()["disabled_at"] is not None
    fan = await make_fan()
    tier0, tier1 = shop.tiers[0].id, shop.tiers[1].id

    assert await refused(fan, membership(tier1, "NEZNAMA")) == (404, "discount_code_not_found")
    assert await refused(fan, membership(tier1, "CIZI")) == (422, "discount_code_wrong_creator")
    assert await refused(fan, membership(tier1, "STARA")) == (409, "discount_code_expired")
    assert await refused(fan, membership(tier1, "VYPNUTA")) == (409, "discount_code_disabled")
    assert await refused(fan, membership(tier0, "JENSTEAK")) == (422, "discount_code_not_for_tier")
    assert await refused(fan, membership(tier1, "EURA")) == (
        422,
        "discount_code_currency_mismatch",
    )
    assert await refused(fan, membership(tier0, "VELKA")) == (422, "discount_exceeds_price")
    assert await refused(fan, membership(tier1, "a b")) == (422, "validation_error")
    assert await refused(fan, membership(tier1, "x" * 33)) == (422, "validation_error")
    tip = {"kind": "tip", "creator_id": str(shop.creator.id), "amount": 5000, "currency": "CZK",
           "discount_code": "JENSTEAK"}  # fmt: skip
    assert await refused(fan, tip) == (422, "validation_error")
    assert await count(payments_resources, Payment) == 0
    assert await count(payments_resources, DiscountRedemption) == 0
    # The other creator's code is theirs to use at their tier.
    assert (await checkout(fan, membership(other_tier.id, "cizi")))["amount"] == 8910

    # Used and paid once: never again by the same fan (another membership after a lapse).
    await pay(fan, gpwebpay, membership(tier1, "JENSTEAK"))
    async with payments_resources.unit_of_work() as session:
        await session.execute(update(Membership).values(status=MembershipStatus.LAPSED.value))
    assert await refused(fan, membership(tier1, "JENSTEAK")) == (409, "discount_code_already_used")


async def test_the_creator_side_refuses_bad_codes(
    owner: Fan, make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    async with payments_resources.unit_of_work() as session:
        other = await factories.creator(session)
        other_tier = await factories.tier(session, other)

    async def create(body: dict[str, Any], who: Fan = owner) -> tuple[int, str]:
        answer = await who.client.post("/creator/discount-codes", json=body)
        return answer.status_code, answer.json()["error"]["code"]

    percent = {"kind": "percent", "percent_off": 10}
    await make_code(owner, code="JEDNA")
    assert await create({"code": "jedna", "discount": percent}) == (409, "discount_code_taken")
    assert await create(
        {"code": "CIZI", "discount": percent, "tier_ids": [str(other_tier.id)]}
    ) == (
        422,
        "discount_tier_unknown",
    )
    for bad in (
        {"code": "NULA", "discount": {"kind": "percent", "percent_off": 0}},
        {"code": "STO", "discount": {"kind": "percent", "percent_off": 100}},
        {"code": "TEXT", "discount": {"kind": "percent", "percent_off": "10"}},
        {"code": "BEZMENY", "discount": {"kind": "fixed", "amount_off": 100}},
        {"code": "USD", "discount": {"kind": "fixed", "amount_off": 100, "currency": "USD"}},
        {"code": "ZAPORNA", "discount": {"kind": "fixed", "amount_off": -1, "currency": "CZK"}},
        {"code": "X", "discount": percent},
        {"code": "NULADOB", "discount": percent, "duration_periods": 0},
        {"code": "NULALIM", "discount": percent, "max_redemptions": 0},
        {"code": "PRAZDNE", "discount": percent, "tier_ids": []},
        {"code": "NAVIC", "discount": percent, "extra": 1},
    ):
        assert await create(bad) == (422, "validation_error"), bad
    fan = await make_fan()
    assert await create({"code": "FAN", "discount": percent}, fan) == (403, "not_a_creator")
    missing = await owner.client.post(f"/creator/discount-codes/{uuid.uuid4()}/disable")
    assert (missing.status_code, missing.json()["error"]["code"]) == (
        404,
        "discount_code_not_found",
    )
    async with payments_resources.unit_of_work() as session:
        theirs = DiscountCode(creator_id=other.id, code="JEJICH", kind="percent", percent_off=5)
        session.add(theirs)
    answer = await owner.client.post(f"/creator/discount-codes/{theirs.id}/disable")
    assert answer.status_code == 404
    bad_cursor = await owner.client.get("/creator/discount-codes", params={"cursor": "zzz"})
    assert (bad_cursor.status_code, bad_cursor.json()["error"]["code"]) == (400, "invalid_cursor")
    assert await count(payments_resources, DiscountCode) == 2


async def test_the_creator_pages_through_their_codes(owner: Fan) -> None:
    for number in range(5):
        await make_code(owner, code=f"KOD{number}")
    first = (await owner.client.get("/creator/discount-codes", params={"limit": 3})).json()
    second = (
        await owner.client.get(
            "/creator/discount-codes", params={"limit": 3, "cursor": first["next_cursor"]}
        )
    ).json()
    assert [item["code"] for item in first["items"] + second["items"]] == [
        f"KOD{number}" for number in reversed(range(5))
    ]
    assert second["next_cursor"] is None


async def test_creators_are_warned_once_of_codes_expiring_within_three_days(
    owner: Fan, payments_resources: Resources
) -> None:
    now = datetime.now(UTC)
    soon = await make_code(owner, code="BRZY", expires_at=(now + timedelta(days=2)).isoformat())
    await make_code(owner, code="POZDEJI", expires_at=(now + timedelta(days=4)).isoformat())
    await make_code(owner, code="NAVZDY")
    off = await make_code(owner, code="VYPNUTA", expires_at=(now + timedelta(days=1)).isoformat())
    await owner.client.post(f"/creator/discount-codes/{off['id']}/disable")

    first = await discount_tasks.run(payments_resources, now)
    second = await discount_tasks.run(payments_resources, now + timedelta(hours=1))

    assert (first, second) == (1, 0)
    sent = await all_rows(
        payments_resources, OutboxMessage, OutboxMessage.job_name == DiscountExpiring.job_name
    )
    assert [row.payload["discount_code_id"] for row in sent] == [soon["id"]]
    # Two days later the other one is within three days: warned then.
    assert await discount_tasks.run(payments_resources, now + timedelta(days=2)) == 1
