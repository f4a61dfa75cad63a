"""Returns the sandbox would never send: forged, tampered, replayed out of order, for orders we
never made. The gateway's key here is a throwaway pair the test holds, so it can sign anything a
real gateway (or an attacker with a stolen key) could."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import update

from pickey_core.gpwebpay.http_api import DIGEST_VARIANTS
from pickey_core.models import Membership, OutboxMessage, Payment, PaymentKind, PaymentState
from pickey_core.resources import Resources
from pickey_payments.settings import PaymentsSettings
from tests.support.db import all_rows
from tests.support.gateway_returns import (
    GATEWAY_KEY,
    RETURN,
    membership_checkout,
    replace,
    send,
    settings_trusting_the_test_gateway_key,
    signed,
)
from tests.support.gpwebpay_keys import key_pair
from tests.support.gpwebpay_signing import sign_response
from tests.support.payments_fans import FanFactory, Shop
from tests.support.settings import GPWEBPAY_MERCHANT_NUMBER, TestEnvironment

BROWSER = {"Accept": "text/html"}


@pytest.fixture
def payments_settings(test_env: TestEnvironment) -> PaymentsSettings:
    return settings_trusting_the_test_gateway_key(test_env)


async def state_of(resources: Resources) -> list[tuple[PaymentState, str | None]]:
    return [(p.state, p.prcode) for p in await all_rows(resources, Payment)]


async def test_a_later_contradictory_return_never_flips_a_settled_payment(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    created = await membership_checkout(fan, shop)
    assert (await send(fan, signed(created))).json()["outcome"] == "paid"

    declined = await send(fan, signed(created, "30", "1002"))
    cancelled = await send(fan, signed(created, "50", "0"))

    assert declined.json()["outcome"] == cancelled.json()["outcome"] == "paid"
    assert await state_of(payments_resources) == [(PaymentState.PAID, "0")]
    assert len(await all_rows(payments_resources, Membership)) == 1


async def test_a_decline_first_then_a_late_paid_return_keeps_the_first_result(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    created = await membership_checkout(fan, shop)
    await send(fan, signed(created, "30", "1002"))
    late = await send(fan, signed(created))
    assert late.json()["outcome"] == "failed"
    assert await state_of(payments_resources) == [(PaymentState.FAILED, "30")]
    assert await all_rows(payments_resources, Membership) == []


async def test_prcode_14_never_touches_the_payment(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    created = await membership_checkout(fan, shop)
    # A second tab submitted the same order: its return says "duplicate order number" first.
    duplicate = await send(fan, signed(created, "14", "0"))
    assert duplicate.json()["outcome"] == "pending"
    assert await state_of(payments_resources) == [(PaymentState.CREATED, None)]
    # The first tab's payment then comes back paid, and a late 14 changes nothing either.
    await send(fan, signed(created))
    await send(fan, signed(created, "14", "0"))
    assert await state_of(payments_resources) == [(PaymentState.PAID, "0")]


def drop(fields: list[tuple[str, str]], name: str) -> list[tuple[str, str]]:
    return [(k, v) for k, v in fields if k != name]


async def test_forged_tampered_and_unknown_returns_are_refused_and_change_nothing(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    created = await membership_checkout(fan, shop)
    good = signed(created)
    digests = dict(good)
    other_key = sign_response(
        dict(good[:-2]).items(), merchant_number=GPWEBPAY_MERCHANT_NUMBER, key=key_pair("other")
    )
    wrong_merchant = sign_response(
        dict(good[:-2]).items(), merchant_number="12345678", key=GATEWAY_KEY
    )
    never_created = {"order_number": "999999999", "payment_id": created["payment_id"]}
    cases = [
        (drop(drop(good, "DIGEST"), "DIGEST1"), "return_not_signed"),
        (replace(good, "DIGEST1", ""), "return_not_signed"),
        (replace(good, "PRCODE", "1"), "return_signature_invalid"),
        (replace(good, "MD", created["payment_id"].upper()), "return_signature_invalid"),
        (replace(good, "RESULTTEXT", "OK "), "return_signature_invalid"),
        (replace(good, "USERPARAM1", "X"), "return_signature_invalid"),
        (
            replace(replace(good, "DIGEST", digests["DIGEST1"]), "DIGEST1", digests["DIGEST"]),
            "return_signature_invalid",
        ),
        (other_key, "return_signature_invalid"),
        (wrong_merchant, "return_signature_invalid"),
        ([*good, ("MD", created["payment_id"])], "return_malformed"),
        ([*good, ("PRCODE", "0")], "return_malformed"),
        (signed(never_created), "unknown_order"),
        (signed({**created, "payment_id": "someone-else"}), "order_mismatch"),
        ([], "return_not_signed"),
    ]
    for fields, code in cases:
        api = await send(fan, fields)
        assert (api.status_code, api.json()["error"]["code"]) == (400, code), fields
        browser = await send(fan, fields, **BROWSER)
        assert browser.status_code == 303
        assert browser.headers["location"].endswith(f"?outcome=error&error={code}")
    assert await state_of(payments_resources) == [(PaymentState.CREATED, None)]
    assert await all_rows(payments_resources, OutboxMessage) == []


async def test_bytes_that_are_neither_utf8_nor_windows_1250_are_refused(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    answer = await fan.client.post(
        RETURN,
        content=b"OPERATION=CREATE_ORDER&MD=\x81\x98",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "return_malformed")


async def test_a_renewal_never_comes_back_through_a_browser(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    created = await membership_checkout(fan, shop)
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Payment)
            .where(Payment.order_number == created["order_number"])
            .values(kind=PaymentKind.RENEWAL.value)
        )
    answer = await send(fan, signed(created))
    assert (answer.status_code, answer.json()["error"]["code"]) == (400, "order_mismatch")
    assert await state_of(payments_resources) == [(PaymentState.CREATED, None)]


async def test_blank_fields_are_signed_as_received(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    """Blank RESULTTEXT and ADDINFO keep their (empty) slots in the digest."""
    fan = await make_fan()
    created = await membership_checkout(fan, shop)
    fields = {**dict(signed(created)[:-2]), "RESULTTEXT": "", "ADDINFO": ""}
    blank = sign_response(fields.items(), merchant_number=GPWEBPAY_MERCHANT_NUMBER, key=GATEWAY_KEY)
    answer = await send(fan, blank)
    assert answer.json()["outcome"] == "paid"
    assert await state_of(payments_resources) == [(PaymentState.PAID, "0")]


async def test_a_signed_nul_in_ordernumber_is_a_400_not_a_500(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    """The gateway echoes what was sent; a NUL (which PostgreSQL text cannot hold) signed by it
    must be refused before any query, in the error shape, for browsers as a 303."""
    fan = await make_fan()
    created = await membership_checkout(fan, shop)
    cases = [
        signed({**created, "order_number": created["order_number"] + "\x00"}),
        signed(created, RESULTTEXT="OK\x1b[31m"),
        [*signed(created), ("NEWFIELD", "\x00")],
    ]
    for fields in cases:
        api = await send(fan, fields)
        assert api.status_code == 400, api.text
        assert api.json()["error"]["code"] == "return_malformed"
        assert set(api.json()["error"]) == {"code", "message", "details"}
        browser = await send(fan, fields, **BROWSER)
        assert browser.status_code == 303
        assert browser.headers["location"].endswith("?outcome=error&error=return_malformed")
    assert await state_of(payments_resources) == [(PaymentState.CREATED, None)]
    assert await all_rows(payments_resources, OutboxMessage) == []


async def test_unknown_unsigned_parameters_are_ignored_and_the_variant_counted(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    created = await membership_checkout(fan, shop)
    fields = dict(signed(created)[:-2])
    without_userparam1 = sign_response(
        fields.items(),
        merchant_number=GPWEBPAY_MERCHANT_NUMBER,
        key=GATEWAY_KEY,
        variant=DIGEST_VARIANTS[1],
    )
    before = _variant_count("without_userparam1_blank_slots")
    answer = await send(fan, [*without_userparam1, ("LANG", "cs"), ("FUTUREFIELD", "x" * 900)])
    assert answer.json()["outcome"] == "paid"
    assert _variant_count("without_userparam1_blank_slots") == before + 1
    assert await state_of(payments_resources) == [(PaymentState.PAID, "0")]


def _variant_count(variant: str) -> float:
    value = REGISTRY.get_sample_value(
        "pickey_gateway_return_digest_variants_total", {"variant": variant}
    )
    return value or 0.0
