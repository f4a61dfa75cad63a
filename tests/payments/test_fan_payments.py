"""The fan's payment list and receipts: what, to whom, amount, state, refunds; a receipt per paid
payment with the fields of a Czech simplified tax document, as JSON, HTML and PDF."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update

from pickey_core.models import Payment
from pickey_core.resources import Resources
from pickey_payments.gateway import Gateway
from pickey_payments.settings import PaymentsSettings
from tests.payments.flows import checkout, join, pay
from tests.payments.money import entries_of_payment
from tests.support.gpwebpay import GpWebpaySandbox
from tests.support.payments_fans import FanFactory, Shop
from tests.support.payments_jobs import run_refund_jobs
from tests.support.settings import TestEnvironment


@pytest.fixture
def payments_settings(test_env: TestEnvironment) -> PaymentsSettings:
    return test_env.payments(
        billing={
            "money": {
                "payout_debtor_name": "Pickey s.r.o.",
                "platform_address": "Václavské náměstí 1, 110 00 Praha 1",
                "platform_company_id": "12345678",
                "platform_vat_id": "CZ12345678",
            }
        }
    )


async def test_the_list_shows_own_payments_newest_first_with_refunds(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, other = await make_fan(), await make_fan()
    creator = await make_fan(user=shop.owner)
    member = await join(fan, gpwebpay, shop.tiers[1])
    tip = {"kind": "tip", "creator_id": str(shop.creator.id), "amount": 5000, "currency": "CZK"}
    declined = await pay(fan, gpwebpay, tip, "declined")
    still_open = await checkout(fan, tip)
    await join(other, gpwebpay, shop.tiers[0])
    assert (
        await creator.client.post(f"/payments/{member['payment_id']}/refunds", json={"amount": 900})
    ).status_code == 202
    await run_refund_jobs(payments_resources, gateway)

    first = await fan.client.get("/payments", params={"limit": 2})
    assert first.status_code == 200, first.text
    page = first.json()
    assert [i["id"] for i in page["items"]] == [still_open["payment_id"], declined["payment_id"]]
    assert [i["outcome"] for i in page["items"]] == ["pending", "failed"]
    assert page["items"][0]["creator_name"] == "Gordíkey"
    rest = (await fan.client.get("/payments", params={"cursor": page["next_cursor"]})).json()
    assert rest["next_cursor"] is None
    [paid] = rest["items"]
    assert (paid["id"], paid["amount"], paid["tier_name"], paid["refunded"]) == (
        member["payment_id"], 9900, "Na steaky", 900,
    )  # fmt: skip
    assert [(r["amount"], r["state"]) for r in paid["refunds"]] == [(900, "succeeded")]
    assert paid["receipt_number"].startswith(f"R{datetime.now(UTC).year}-")
    bad = await fan.client.get("/payments", params={"cursor": "nonsense"})
    assert (bad.status_code, bad.json()["error"]["code"]) == (400, "invalid_cursor")


async def test_a_receipt_has_the_fields_of_a_simplified_tax_document(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    member = await join(fan, gpwebpay, shop.tiers[1])  # 99 Kč incl. 21 % VAT
    second = await pay(
        fan, gpwebpay, {"kind": "tip", "creator_id": str(shop.creator.id), "amount": 12345,
                        "currency": "CZK"},
    )  # fmt: skip
    answer = await fan.client.get(f"/payments/{member['payment_id']}/receipt")
    assert answer.status_code == 200, answer.text
    receipt = answer.json()
    year = datetime.now(UTC).year
    assert receipt["number"] == f"R{year}-000001"
    later = (await fan.client.get(f"/payments/{second['payment_id']}/receipt")).json()
    assert later["number"] == f"R{year}-000002"
    assert receipt["document"] == "Zjednodušený daňový doklad"
    assert receipt["seller"] == {
        "name": "Pickey s.r.o.",
        "address": "Václavské náměstí 1, 110 00 Praha 1",
        "ico": "12345678",
        "dic": "CZ12345678",
        "email": None,
    }
    assert receipt["buyer"]["email"] == fan.user.email
    # 99,00 Kč with 21 % VAT included: VAT 9900 * 21 / 121 = 1718.18 -> 1718 haléřů.
    assert (receipt["total"], receipt["vat"], receipt["base"]) == (9900, 1718, 8182)
    assert receipt["vat_rate_percent"] == "21"
    async with payments_resources.sessions() as session:
        booked = await entries_of_payment(session, uuid.UUID(member["payment_id"]))
    assert booked["vat_payable/vat"] == receipt["vat"]
    assert receipt["description"].startswith("Členství „Na steaky“ u Gordíkey, období ")
    async with payments_resources.sessions() as session:
        row = await session.get(Payment, uuid.UUID(member["payment_id"]))
        assert row is not None
        assert row.paid_at is not None
    prague_day = row.paid_at.astimezone(ZoneInfo("Europe/Prague")).date().isoformat()
    assert receipt["taxable_supply_date"] == prague_day
    assert later["vat"] == 2143  # 12345 * 21 / 121 = 2142.52 -> 2143

    html = await fan.client.get(f"/payments/{member['payment_id']}/receipt.html")
    assert html.headers["content-type"].startswith("text/html")
    for text in (f"R{year}-000001", "IČO: 12345678", "DIČ: CZ12345678", "99,00\u00a0Kč",
                 "17,18\u00a0Kč", "DPH 21 %"):  # fmt: skip
        assert text in html.text, text
    pdf = await fan.client.get(f"/payments/{member['payment_id']}/receipt.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert f'filename="R{year}-000001.pdf"' in pdf.headers["content-disposition"]


async def test_receipts_are_for_own_paid_payments_only(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    fan, other = await make_fan(), await make_fan()
    member = await join(fan, gpwebpay, shop.tiers[0])
    unpaid = await checkout(other, {"kind": "membership", "tier_id": str(shop.tiers[0].id)})
    for suffix in ("", ".html", ".pdf"):
        theirs = await other.client.get(f"/payments/{member['payment_id']}/receipt{suffix}")
        assert (theirs.status_code, theirs.json()["error"]["code"]) == (404, "payment_not_found")
        open_one = await other.client.get(f"/payments/{unpaid['payment_id']}/receipt{suffix}")
        assert (open_one.status_code, open_one.json()["error"]["code"]) == (
            409,
            "receipt_not_available",
        )


async def test_a_payment_paid_before_receipts_gets_its_number_when_first_shown(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    member = await join(fan, gpwebpay, shop.tiers[0])
    async with payments_resources.unit_of_work() as session:
        await session.execute(update(Payment).values(receipt_number=None, receipt_issued_at=None))
    shown = (await fan.client.get(f"/payments/{member['payment_id']}/receipt")).json()
    again = (await fan.client.get(f"/payments/{member['payment_id']}/receipt")).json()
    assert shown["number"] == again["number"] == f"R{datetime.now(UTC).year}-000002"
