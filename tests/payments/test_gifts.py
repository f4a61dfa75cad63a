"""Gift memberships (bought through the gateway, booked, redeemed once by code) and comps (free
months from the creator, no money): every rule and bad input over real PostgreSQL and the
sandbox."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from pickey_core.models import (
    Gift,
    LedgerEntry,
    Membership,
    MembershipGrant,
    MembershipStatus,
    OutboxMessage,
    Payment,
    PaymentKind,
    PaymentState,
)
from pickey_core.queue.contracts import AnnounceGift
from pickey_core.resources import Resources
from pickey_payments.billing_period import add_month
from pickey_payments.gateway import Gateway
from tests.payments.flows import checkout, join, pay
from tests.payments.money import entries_of_payment
from tests.support import factories
from tests.support.db import all_rows, count
from tests.support.gpwebpay import GpWebpaySandbox, sent_fields
from tests.support.payments_fans import Fan, FanFactory, Shop
from tests.support.renewals import make_due, run


def gift(tier_id: uuid.UUID, months: int = 3, to: str = "obdarovany@example.cz") -> dict[str, Any]:
    return {"kind": "gift", "tier_id": str(tier_id), "months": months, "recipient_email": to}


async def bought(resources: Resources, payment_id: str) -> Gift:
    [row] = await all_rows(resources, Gift, Gift.payment_id == uuid.UUID(payment_id))
    return row


async def test_a_gift_is_paid_once_booked_and_its_code_sent_only_when_paid(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    buyer = await make_fan()
    unpaid = await checkout(buyer, gift(shop.tiers[1].id, months=12))
    assert (unpaid["kind"], unpaid["amount"]) == ("gift", 12 * 9900)
    fields = sent_fields(unpaid["redirect_url"])
    assert "USERPARAM1" not in fields  # not a recurring master: a gift never renews
    unsent = await all_rows(
        payments_resources, OutboxMessage, OutboxMessage.job_name == AnnounceGift.job_name
    )
    assert unsent == []  # the code goes out only when paid

    created = await pay(buyer, gpwebpay, gift(shop.tiers[1].id, months=3))

    assert created["amount"] == 29700
    row = await bought(payments_resources, created["payment_id"])
    assert (row.months, row.recipient_email, row.redeemed_at) == (3, "obdarovany@example.cz", None)
    assert len(row.code) == 16
    [payment] = await all_rows(
        payments_resources, Payment, Payment.id == uuid.UUID(created["payment_id"])
    )
    assert (payment.kind, payment.state) == (PaymentKind.GIFT, PaymentState.PAID)
    async with payments_resources.sessions() as session:
        booked = await entries_of_payment(session, payment.id)
    # 29700 * 21/121 = 5154.55 -> 5155; net 24545; fee 2454.5 -> 2455; creator 22090.
    assert booked == {
        "gateway_clearing/payment": -29700,
        "vat_payable/vat": 5155,
        "platform_revenue/platform_fee": 2455,
        "creator/payment": 22090,
    }
    announced = await all_rows(
        payments_resources, OutboxMessage, OutboxMessage.job_name == AnnounceGift.job_name
    )
    assert [message.payload["gift_id"] for message in announced] == [str(row.id)]
    receipt = (await buyer.client.get(f"/payments/{payment.id}/receipt")).json()
    assert receipt["description"] == "Dárkové členství „Na steaky“ u Gordíkey, 3 měs."
    # Nobody holds a membership until the code is redeemed.
    assert await count(payments_resources, Membership) == 0


async def test_redeeming_starts_a_membership_that_ends_after_the_months_without_a_charge(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    buyer = await make_fan()
    created = await pay(buyer, gpwebpay, gift(shop.tiers[0].id, months=1))
    code = (await bought(payments_resources, created["payment_id"])).code
    recipient = await make_fan()

    typed = f"{code[:8].lower()}-{code[8:]}"  # as people retype it
    answer = await recipient.client.post("/gifts/redeem", json={"code": typed})

    assert answer.status_code == 201, answer.text
    grant = answer.json()
    assert (grant["kind"], grant["months"], grant["period_end_before"]) == ("gift", 1, None)
    [membership] = await all_rows(payments_resources, Membership)
    assert (membership.fan_id, membership.tier_id, membership.status) == (
        recipient.user.id,
        shop.tiers[0].id,
        MembershipStatus.ACTIVE,
    )
    assert membership.cancel_at_period_end
    assert membership.master_payment_id is None
    assert membership.current_period_start is not None
    assert membership.current_period_end == add_month(membership.current_period_start)
    again = await recipient.client.post("/gifts/redeem", json={"code": code})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "gift_already_redeemed")

    # At the end: lapsed, never charged, no renewal payment.
    await make_due(payments_resources, membership.id, timedelta(minutes=1))
    await run(payments_resources, gateway)
    [ended] = await all_rows(payments_resources, Membership)
    assert ended.status is MembershipStatus.LAPSED
    assert await count(payments_resources, Payment) == 1


async def test_a_gift_to_a_member_extends_the_membership_they_hold(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    member = await make_fan()
    await join(member, gpwebpay, shop.tiers[1])
    [held] = await all_rows(payments_resources, Membership)
    assert held.current_period_end is not None
    buyer = await make_fan()
    created = await pay(buyer, gpwebpay, gift(shop.tiers[0].id, months=3))
    code = (await bought(payments_resources, created["payment_id"])).code

    answer = await member.client.post("/gifts/redeem", json={"code": code})

    assert answer.status_code == 201, answer.text
    [extended] = await all_rows(payments_resources, Membership)
    expected = add_month(add_month(add_month(held.current_period_end)))
    assert extended.current_period_end == expected
    assert extended.tier_id == shop.tiers[1].id  # the tier they pay for stays
    assert not extended.cancel_at_period_end
    before = datetime.fromisoformat(answer.json()["period_end_before"])
    assert before == held.current_period_end


async def test_two_people_redeeming_one_code_at_once_get_one_membership(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    buyer = await make_fan()
    created = await pay(buyer, gpwebpay, gift(shop.tiers[0].id))
    code = (await bought(payments_resources, created["payment_id"])).code
    takers = [await make_fan() for _ in range(4)]

    answers = await asyncio.gather(
        *(fan.client.post("/gifts/redeem", json={"code": code}) for fan in takers)
    )

    assert sorted(answer.status_code for answer in answers) == [201, 409, 409, 409]
    assert await count(payments_resources, Membership) == 1
    assert await count(payments_resources, MembershipGrant) == 1


async def test_bad_gift_checkouts_and_redemptions_are_refused(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    buyer = await make_fan()
    for bad in (
        gift(shop.tiers[0].id, months=2),
        gift(shop.tiers[0].id, to="not-an-address"),
        {**gift(shop.tiers[0].id), "discount_code": "LETO"},
        {k: v for k, v in gift(shop.tiers[0].id).items() if k != "recipient_email"},
    ):
        answer = await buyer.client.post("/checkouts", json=bad)
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "validation_error")
    missing = await buyer.client.post("/checkouts", json=gift(uuid.uuid4()))
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "tier_not_found")
    owner = await make_fan(user=shop.owner)
    own = await owner.client.post("/checkouts", json=gift(shop.tiers[0].id))
    assert (own.status_code, own.json()["error"]["code"]) == (409, "own_creator")
    assert await count(payments_resources, Gift) == 0

    unknown = await buyer.client.post("/gifts/redeem", json={"code": "NEEXISTUJE"})
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (404, "gift_not_found")
    unpaid = await checkout(buyer, gift(shop.tiers[0].id))
    unpaid_code = (await bought(payments_resources, unpaid["payment_id"])).code
    answer = await buyer.client.post("/gifts/redeem", json={"code": unpaid_code})
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "gift_not_found")
    paid = await pay(buyer, gpwebpay, gift(shop.tiers[0].id))
    code = (await bought(payments_resources, paid["payment_id"])).code
    own_redeem = await owner.client.post("/gifts/redeem", json={"code": code})
    assert (own_redeem.status_code, own_redeem.json()["error"]["code"]) == (409, "own_creator")
    refund = await owner.client.post(
        f"/payments/{paid['payment_id']}/refunds", json={"reason": "Omylem"}
    )
    assert refund.status_code == 202, refund.text
    refunded = await buyer.client.post("/gifts/redeem", json={"code": code})
    assert (refunded.status_code, refunded.json()["error"]["code"]) == (404, "gift_not_found")
    for body in ({}, {"code": ""}, {"code": "x" * 33}, {"code": 12345}):
        answer = await buyer.client.post("/gifts/redeem", json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (422, "validation_error")
    unverified = await make_fan(verified=False)
    answer = await unverified.client.post("/gifts/redeem", json={"code": code})
    assert (answer.status_code, answer.json()["error"]["code"]) == (403, "email_not_verified")
    assert await count(payments_resources, Membership) == 0


async def test_a_creator_comps_a_fan_with_no_money_moving(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    owner = await make_fan(user=shop.owner)
    fan = await make_fan()
    body = {"fan_id": str(fan.user.id), "tier_id": str(shop.tiers[2].id), "months": 2}

    answer = await owner.client.post("/creator/comps", json=body)

    assert answer.status_code == 201, answer.text
    assert (answer.json()["kind"], answer.json()["months"]) == ("comp", 2)
    [membership] = await all_rows(payments_resources, Membership)
    assert membership.current_period_start is not None
    assert membership.current_period_end == add_month(add_month(membership.current_period_start))
    assert membership.tier_id == shop.tiers[2].id
    assert await count(payments_resources, Payment) == 0
    assert await count(payments_resources, LedgerEntry) == 0
    listed = (await owner.client.get("/creator/membership-grants")).json()
    assert [(item["kind"], item["fan_id"]) for item in listed["items"]] == [
        ("comp", str(fan.user.id))
    ]
    # A second comp extends the same membership.
    again = await owner.client.post("/creator/comps", json={**body, "months": 1})
    [extended] = await all_rows(payments_resources, Membership)
    assert extended.current_period_end == add_month(membership.current_period_end)
    assert again.json()["period_end_before"] is not None


async def test_bad_comps_are_refused(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    async with payments_resources.unit_of_work() as session:
        other = await factories.creator(session)
        other_tier = await factories.tier(session, other)
    owner = await make_fan(user=shop.owner)
    fan = await make_fan()

    async def comp(body: dict[str, Any], who: Fan = owner) -> tuple[int, str]:
        answer = await who.client.post("/creator/comps", json=body)
        return answer.status_code, answer.json()["error"]["code"]

    good = {"fan_id": str(fan.user.id), "tier_id": str(shop.tiers[0].id), "months": 1}
    assert await comp({**good, "tier_id": str(other_tier.id)}) == (404, "tier_not_found")
    assert await comp({**good, "fan_id": str(uuid.uuid4())}) == (404, "fan_not_found")
    assert await comp({**good, "fan_id": str(shop.owner.id)}) == (409, "own_creator")
    for months in (0, 13, "1"):
        assert await comp({**good, "months": months}) == (422, "validation_error")
    assert await comp(good, fan) == (403, "not_a_creator")
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(type(fan.user))
            .where(type(fan.user).id == fan.user.id)
            .values(deleted_at=datetime.now(UTC))
        )
    assert await comp(good) == (404, "fan_not_found")
    assert await count(payments_resources, Membership) == 0
