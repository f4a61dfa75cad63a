"""What a creator sees: balance, earnings, payouts and statements whose numbers add up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pickey_core.models import Payout, PayoutAccount, PayoutBatch, RefundState
from pickey_core.resources import Resources
from pickey_payments.ledger import service as ledger
from pickey_payments.payouts import service as payouts
from pickey_payments.payouts import tasks
from pickey_payments.settings import PaymentsSettings
from tests.payments.money import paid_payment, refund_row
from tests.support import factories
from tests.support.db import all_rows
from tests.support.payments_fans import Fan, FanFactory, Shop
from tests.support.settings import TestEnvironment

DEBTOR_IBAN = "CZ6508000000192000145399"


@pytest.fixture
def payments_settings(test_env: TestEnvironment) -> PaymentsSettings:
    return test_env.payments(
        billing={
            "money": {
                "payout_debtor_iban": DEBTOR_IBAN,
                "payout_debtor_name": "Pickey s.r.o.",
                "platform_company_id": "12345678",
                "platform_vat_id": "CZ12345678",
                "platform_address": "Dlouhá 1, 110 00 Praha 1",
            }
        }
    )


@pytest.fixture
async def creator(shop: Shop, make_fan: FanFactory) -> Fan:
    return await make_fan(user=shop.owner)


async def pay_shop(
    resources: Resources, shop: Shop, amounts: list[tuple[int, datetime]]
) -> list[Any]:
    settings = resources.settings
    assert isinstance(settings, PaymentsSettings)
    made = []
    async with resources.unit_of_work() as session:
        fan = await factories.user(session)
        for amount, when in amounts:
            payment = await paid_payment(session, fan, shop.creator, amount, "CZK", when)
            await ledger.record_payment(session, payment, settings.billing.money)
            made.append(payment)
    return made


def assert_adds_up(statement: dict[str, Any]) -> None:
    for line in statement["payments"]:
        assert line["gross"] - line["vat"] - line["platform_fee"] == line["share"]
    totals = statement["totals"]
    assert totals["share"] == sum(line["share"] for line in statement["payments"])
    assert totals["other"] == sum(line["amount"] for line in statement["others"])
    assert statement["opening"] + totals["share"] + totals["other"] == statement["closing"]
    assert statement["closing"] - statement["paid_out"] == statement["carried"]


async def test_balance_earnings_payouts_and_statements(
    creator: Fan, shop: Shop, payments_resources: Resources
) -> None:
    now = datetime.now(UTC)
    old = now - timedelta(days=40)
    made = await pay_shop(
        payments_resources,
        shop,
        [(99900, old), (99900, old + timedelta(hours=1)), (5900, now - timedelta(days=1))],
    )
    settings = payments_resources.settings
    assert isinstance(settings, PaymentsSettings)
    money = settings.billing.money
    async with payments_resources.unit_of_work() as session:
        session.add(PayoutAccount(creator_id=shop.creator.id, iban=DEBTOR_IBAN, holder_name="G"))
        refund = await refund_row(session, made[1], 20000, RefundState.SUCCEEDED)
        await ledger.record_refund(session, refund, money, old + timedelta(days=2))

    balance = (await creator.client.get("/creator/balance")).json()
    [czk] = balance["balances"]
    assert balance["hold_days"] == 7
    assert czk["held"] == 4388  # the 59 Kč paid yesterday
    available = czk["available"]
    assert (await tasks.run(payments_resources, payments_resources.settings, now)) == 1
    after = (await creator.client.get("/creator/balance")).json()["balances"][0]
    assert (after["held"], after["available"], after["in_transit"]) == (4388, 0, available)

    earnings = await creator.client.get("/creator/earnings", params={"limit": 2})
    first_page = earnings.json()
    assert len(first_page["items"]) == 2
    rest = await creator.client.get(
        "/creator/earnings", params={"cursor": first_page["next_cursor"]}
    )
    kinds = [item["transaction_kind"] for item in first_page["items"] + rest.json()["items"]]
    assert sorted(kinds) == sorted(["payout", "payment", "refund_reserved", "payment", "payment"])

    [payout] = (await creator.client.get("/creator/payouts")).json()["items"]
    assert payout["amount"] == available
    statement = (await creator.client.get(f"/creator/payouts/{payout['id']}/statement")).json()
    assert_adds_up(statement)
    assert statement["number"] == payout["statement_number"]
    assert statement["opening"] == 0
    assert [line["gross"] for line in statement["payments"]] == [99900, 99900, 5900]
    assert statement["totals"] == {
        "gross": 205700,
        "vat": 17338 * 2 + 1024,
        "platform_fee": 8256 * 2 + 488,
        "share": 74306 * 2 + 4388,
        "other": -14876,  # 200 Kč refunded: VAT 34.71, fee 16.53 back, the share 148.76
    }
    assert statement["paid_out"] == available == 74306 * 2 - 14876
    assert statement["carried"] == 4388  # still held
    assert statement["customer"]["vat_id"] == "CZ12345678"

    html = await creator.client.get(f"/creator/payouts/{payout['id']}/statement.html")
    assert html.headers["content-type"].startswith("text/html")
    assert payout["statement_number"] in html.text
    assert "743.06" in html.text  # a 999 Kč payment's share
    assert "1530.00" in html.text  # the shares' total
    pdf = await creator.client.get(f"/creator/payouts/{payout['id']}/statement.pdf")
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")


async def test_the_next_statement_starts_after_the_last_paid_out_one(
    creator: Fan, shop: Shop, payments_resources: Resources
) -> None:
    now = datetime.now(UTC)
    await pay_shop(payments_resources, shop, [(99900, now - timedelta(days=70))])
    async with payments_resources.unit_of_work() as session:
        session.add(PayoutAccount(creator_id=shop.creator.id, iban=DEBTOR_IBAN, holder_name="G"))
    assert (
        await tasks.run(payments_resources, payments_resources.settings, now - timedelta(days=31))
        == 1
    )
    [batch] = await all_rows(payments_resources, PayoutBatch)
    async with payments_resources.unit_of_work() as session:
        settings = payments_resources.settings
        assert isinstance(settings, PaymentsSettings)
        await payouts.mark(session, batch.id, payouts.State.FAILED, now - timedelta(days=30))
    await pay_shop(payments_resources, shop, [(5900, now - timedelta(days=20))])
    assert await tasks.run(payments_resources, payments_resources.settings, now) == 1

    second = max(await all_rows(payments_resources, Payout), key=lambda p: p.created_at)
    statement = (await creator.client.get(f"/creator/payouts/{second.id}/statement")).json()
    assert_adds_up(statement)
    # The failed payout's range is covered again: both payments, the payout and its return.
    assert statement["opening"] == 0
    assert [line["gross"] for line in statement["payments"]] == [99900, 5900]
    assert sorted(line["kind"] for line in statement["others"]) == ["payout", "payout_failed"]
    assert statement["paid_out"] == 74306 + 4388


async def test_only_the_owner_sees_a_statement(
    creator: Fan, make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    await pay_shop(payments_resources, shop, [(99900, datetime.now(UTC) - timedelta(days=40))])
    async with payments_resources.unit_of_work() as session:
        session.add(PayoutAccount(creator_id=shop.creator.id, iban=DEBTOR_IBAN, holder_name="G"))
    await tasks.run(payments_resources, payments_resources.settings, datetime.now(UTC))
    [payout] = await all_rows(payments_resources, Payout)
    other = await make_fan()

    as_fan = await other.client.get(f"/creator/payouts/{payout.id}/statement")
    bad_cursor = await creator.client.get("/creator/earnings", params={"cursor": "%%%"})

    assert (as_fan.status_code, as_fan.json()["error"]["code"]) == (403, "not_a_creator")
    assert bad_cursor.json()["error"]["code"] == "invalid_cursor"


def test_a_pdf_is_made_even_without_the_unicode_font(monkeypatch: pytest.MonkeyPatch) -> None:
    """An image without DejaVu still produces statements (Czech letters transliterated)."""
    import uuid as uuid_module

    from pickey_core.models import TransactionKind
    from pickey_payments.payouts import statement_documents
    from pickey_payments.payouts.statement import OtherLine, Party, PaymentLine, Statement

    now = datetime.now(UTC)
    statement = Statement(
        "SB2026-000001", "2026-11", now, "CZK", Party("Gordíkey", "", "", ""),
        Party("Pickey s.r.o.", "Dlouhá 1", "12345678", "CZ12345678"), DEBTOR_IBAN, 0,
        [PaymentLine(uuid_module.uuid4(), now, 9900, 1718, 818, 7364)],
        [OtherLine(TransactionKind.REFUND_RESERVED, now, -100, None, None)], 7264, 7264,
    )  # fmt: skip
    with_font = statement_documents.as_pdf(statement)
    monkeypatch.setattr(statement_documents, "FONT", statement_documents.Path("/nonexistent"))
    without = statement_documents.as_pdf(statement)
    assert with_font.startswith(b"%PDF-")
    assert without.startswith(b"%PDF-")
    assert b"DejaVu" in with_font
    assert b"DejaVu" not in without
