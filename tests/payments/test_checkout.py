"""Checkout: a signed gateway order for a membership, a tip or a paid post, or a clear refusal
with nothing written."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from sqlalchemy import update

from pickey_core.http.cors import CorsConfig
from pickey_core.models import (
    MembershipStatus,
    OutboxMessage,
    Payment,
    PaymentState,
    PostAccess,
    PostStatus,
    Tier,
    User,
)
from pickey_core.resources import Resources
from pickey_payments.app import create_app
from tests.support import factories
from tests.support.db import all_rows, count
from tests.support.gpwebpay import GpWebpaySandbox, sent_fields
from tests.support.payments_fans import BASE_URL, FanFactory, Shop
from tests.support.settings import GPWEBPAY_MERCHANT_NUMBER, TestEnvironment


async def test_membership_checkout_is_a_signed_recurring_order_the_gateway_accepts(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    fan = await make_fan()
    answer = await fan.client.post(
        "/checkouts", json={"kind": "membership", "tier_id": str(shop.tiers[1].id)}
    )

    assert answer.status_code == 201, answer.text
    body = answer.json()
    [payment] = await all_rows(payments_resources, Payment)
    assert body["payment_id"] == str(payment.id)
    assert (payment.state, payment.amount, payment.currency) == (PaymentState.CREATED, 9900, "CZK")
    assert (payment.fan_id, payment.tier_id, payment.creator_id) == (
        fan.user.id,
        shop.tiers[1].id,
        shop.creator.id,
    )
    assert payment.order_number.isdigit()
    assert not payment.order_number.startswith("0")
    fields = sent_fields(body["redirect_url"])
    assert fields["MERCHANTNUMBER"] == GPWEBPAY_MERCHANT_NUMBER  # leading zeros kept
    assert fields["ORDERNUMBER"] == fields["MERORDERNUM"] == payment.order_number
    assert fields["MD"] == str(payment.id)
    assert (fields["AMOUNT"], fields["CURRENCY"], fields["DEPOSITFLAG"]) == ("9900", "203", "1")
    assert fields["USERPARAM1"] == "R"
    assert fields["DESCRIPTION"] == "Clenstvi Na steaky u Gordikey" == body["description"]
    assert fields["LANG"] == "cs"
    assert body["form"]["fields"] == fields
    # The gateway checks the digest and every field rule: it shows its payment page.
    page = await gpwebpay.open_page(body["redirect_url"])
    assert page.status_code == 200, page.text
    [order] = await gpwebpay.orders()
    assert (order["order_number"], order["recurring_master"]) == (payment.order_number, True)


async def test_the_post_form_is_accepted_by_the_gateway_too(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox
) -> None:
    fan = await make_fan(locale="en")
    body = (
        await fan.client.post(
            "/checkouts", json={"kind": "membership", "tier_id": str(shop.tiers[0].id)}
        )
    ).json()
    form = body["form"]
    assert form["fields"]["LANG"] == "en"
    assert form["fields"]["DESCRIPTION"] == "Membership Na granulkey at Gordikey"
    page = await gpwebpay.http.post(form["action"], data=form["fields"])
    assert page.status_code == 200, page.text


async def test_every_checkout_gets_a_new_order_number(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    numbers = []
    for _ in range(3):
        answer = await fan.client.post(
            "/checkouts", json={"kind": "membership", "tier_id": str(shop.tiers[0].id)}
        )
        numbers.append(int(answer.json()["order_number"]))
    assert numbers == sorted(set(numbers))
    assert await count(payments_resources, Payment) == 3


async def test_tip_and_unlock_checkouts(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        paid_post = await factories.post(
            session,
            shop.creator,
            access=PostAccess.PAID,
            unlock_price_amount=4900,
            unlock_currency="CZK",
            title="Recept na steak",
        )
    tip = await fan.client.post(
        "/checkouts",
        json={"kind": "tip", "creator_id": str(shop.creator.id), "amount": 5000, "currency": "CZK"},
    )
    unlock = await fan.client.post(
        "/checkouts", json={"kind": "unlock", "post_id": str(paid_post.id)}
    )

    assert tip.status_code == unlock.status_code == 201, (tip.text, unlock.text)
    assert (tip.json()["kind"], tip.json()["amount"]) == ("tip", 5000)
    assert "USERPARAM1" not in sent_fields(tip.json()["redirect_url"])
    assert sent_fields(tip.json()["redirect_url"])["DESCRIPTION"] == "Dysko pro Gordikey"
    assert (unlock.json()["kind"], unlock.json()["amount"]) == ("unlock", 4900)
    assert sent_fields(unlock.json()["redirect_url"])["DESCRIPTION"] == (
        "Odemceni prispevku Recept na steak od Gordikey"
    )


async def test_a_past_due_member_may_pay_by_hand(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        await factories.membership(session, fan.user, shop.tiers[0], MembershipStatus.PAST_DUE)
    answer = await fan.client.post(
        "/checkouts", json={"kind": "membership", "tier_id": str(shop.tiers[0].id)}
    )
    assert answer.status_code == 201, answer.text


def membership(tier: Tier) -> dict[str, Any]:
    return {"kind": "membership", "tier_id": str(tier.id)}


def tip(shop: Shop, amount: Any = 5000, currency: str = "CZK") -> dict[str, Any]:
    return {
        "kind": "tip",
        "creator_id": str(shop.creator.id),
        "amount": amount,
        "currency": currency,
    }


async def test_refusals_answer_a_clear_error_and_write_nothing(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    member = await make_fan()
    async with payments_resources.unit_of_work() as session:
        await factories.membership(session, member.user, shop.tiers[0])
        free_post = await factories.post(session, shop.creator, access=PostAccess.PUBLIC)
        members_post = await factories.post(session, shop.creator, access=PostAccess.MEMBERS)
        draft = await factories.post(
            session,
            shop.creator,
            access=PostAccess.PAID,
            status=PostStatus.DRAFT,
            unlock_price_amount=4900,
            unlock_currency="CZK",
        )
        bought = await factories.post(
            session, shop.creator, access=PostAccess.PAID, unlock_price_amount=4900,
            unlock_currency="CZK",
        )  # fmt: skip
        await factories.unlock(session, fan.user, bought)
        archived = await factories.tier(session, shop.creator, 29900, archived_at=datetime.now(UTC))
    owner_fan = await make_fan(user=shop.owner)
    unknown = "00000000-0000-4000-8000-000000000000"
    cases: list[tuple[Any, dict[str, Any], int, str]] = [
        (fan, {"kind": "membership", "tier_id": unknown}, 404, "tier_not_found"),
        (fan, membership(archived), 409, "tier_archived"),
        (member, membership(shop.tiers[1]), 409, "already_member"),
        (owner_fan, membership(shop.tiers[0]), 409, "own_creator"),
        (owner_fan, tip(shop), 409, "own_creator"),
        (fan, {**tip(shop), "creator_id": unknown}, 404, "creator_not_found"),
        (fan, tip(shop, 1999), 422, "amount_out_of_range"),
        (fan, tip(shop, 1_000_001), 422, "amount_out_of_range"),
        (fan, tip(shop, 99, "EUR"), 422, "amount_out_of_range"),
        (fan, tip(shop, 5000, "USD"), 422, "currency_not_supported"),
        (fan, tip(shop, "5000"), 422, "validation_error"),
        (fan, tip(shop, 50.5), 422, "validation_error"),
        (fan, {"kind": "unlock", "post_id": str(free_post.id)}, 409, "post_not_for_sale"),
        (fan, {"kind": "unlock", "post_id": str(members_post.id)}, 409, "post_not_for_sale"),
        (fan, {"kind": "unlock", "post_id": str(draft.id)}, 404, "post_not_found"),
        (fan, {"kind": "unlock", "post_id": str(bought.id)}, 409, "already_unlocked"),
        (fan, {"kind": "refund", "tier_id": str(shop.tiers[0].id)}, 422, "validation_error"),
        (fan, {**membership(shop.tiers[0]), "amount": 1}, 422, "validation_error"),
    ]
    payments_before = await count(payments_resources, Payment)
    for who, body, status, code in cases:
        answer = await who.client.post("/checkouts", json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), body
    assert await count(payments_resources, Payment) == payments_before
    assert await count(payments_resources, OutboxMessage) == 0


async def test_currencies_outside_the_allow_list_are_refused(
    test_env: TestEnvironment, make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    settings = test_env.payments(gpwebpay=test_env.gpwebpay(currencies=["CZK"]))
    app = create_app(settings, resources=payments_resources)
    fan = await make_fan()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url=BASE_URL,
        cookies=fan.client.cookies,
        headers=fan.client.headers,
    ) as czk_only:
        answer = await czk_only.post("/checkouts", json=tip(shop, 500, "EUR"))
    await app.state.gateway.aclose()
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "currency_not_supported")


async def test_checkout_needs_a_session_csrf_and_json(
    anonymous: Any, make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    assert (await anonymous.post("/checkouts", json=membership(shop.tiers[0]))).status_code == 401
    no_csrf = await fan.client.post(
        "/checkouts", json=membership(shop.tiers[0]), headers={"X-CSRF-Token": ""}
    )
    assert (no_csrf.status_code, no_csrf.json()["error"]["code"]) == (403, "csrf_failed")
    form = await fan.client.post("/checkouts", data={"kind": "membership"})
    assert (form.status_code, form.json()["error"]["code"]) == (415, "json_required")
    assert await count(payments_resources, Payment) == 0


async def test_a_fan_reads_only_their_own_payment(make_fan: FanFactory, shop: Shop) -> None:
    fan, other = await make_fan(), await make_fan()
    created = (await fan.client.post("/checkouts", json=membership(shop.tiers[0]))).json()
    own = await fan.client.get(f"/payments/{created['payment_id']}")
    theirs = await other.client.get(f"/payments/{created['payment_id']}")
    assert own.status_code == 200
    assert (own.json()["state"], own.json()["outcome"]) == ("created", "pending")
    assert (theirs.status_code, theirs.json()["error"]["code"]) == (404, "payment_not_found")


async def test_deleted_creator_takes_no_payments(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(User).where(User.id == shop.owner.id).values(deleted_at=datetime.now(UTC))
        )
    fan = await make_fan()
    answer = await fan.client.post("/checkouts", json=membership(shop.tiers[0]))
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "creator_not_found")


async def test_a_malformed_field_gets_one_detail_about_that_field_of_that_kind(
    make_fan: FanFactory, shop: Shop
) -> None:
    """The ``kind`` discriminator picks the one schema to validate against: no details about the
    fields of other kinds."""
    fan = await make_fan()
    answer = await fan.client.post("/checkouts", json={"kind": "membership", "tier_id": "nope"})
    assert answer.status_code == 422
    details = answer.json()["error"]["details"]
    assert len(details) == 1, details
    assert details[0]["loc"][-1] == "tier_id"
    unknown_kind = await fan.client.post("/checkouts", json={"kind": "voucher", "tier_id": "x"})
    assert [d["loc"] for d in unknown_kind.json()["error"]["details"]] == [["body"]]
    assert unknown_kind.json()["error"]["details"][0]["type"] == "union_tag_invalid"


async def test_the_spa_origin_may_check_out_cross_origin_in_development(
    test_env: TestEnvironment, make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    """`just dev` serves the web app on its own port: payments answers its preflight."""
    spa = "http://127.0.0.1:5173"
    settings = test_env.payments().model_copy(update={"cors": CorsConfig(allowed_origins=[spa])})
    app = create_app(settings, resources=payments_resources)
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url=BASE_URL
    ) as browser:
        preflight = await browser.options(
            "/checkouts",
            headers={
                "Origin": spa,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type,x-csrf-token",
            },
        )
        polled = await browser.get(f"/payments/{uuid.uuid4()}", headers={"Origin": spa})
    await app.state.gateway.aclose()
    assert preflight.status_code == 200
    assert preflight.headers["access-control-allow-origin"] == spa
    assert preflight.headers["access-control-allow-credentials"] == "true"
    assert polled.status_code == 401
    assert polled.headers["access-control-allow-origin"] == spa


async def test_an_unverified_fan_cannot_pay_or_resume_and_nothing_is_written(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan(verified=False)
    for path, body in [
        ("/checkouts", membership(shop.tiers[0])),
        ("/checkouts", tip(shop)),
        (f"/memberships/{uuid.uuid4()}/resume", {}),
        (f"/memberships/{uuid.uuid4()}/change-tier", {"tier_id": str(shop.tiers[1].id)}),
    ]:
        answer = await fan.client.post(path, json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (
            403,
            "email_not_verified",
        ), path
    assert await count(payments_resources, Payment) == 0
    assert await count(payments_resources, OutboxMessage) == 0
    # Stopping a charge is always possible: cancel is not gated (404: no such membership).
    cancel = await fan.client.post(f"/memberships/{uuid.uuid4()}/cancel", json={})
    assert cancel.status_code == 404
