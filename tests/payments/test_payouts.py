"""The monthly payout run: exactly once per period, one payout per creator whose available
balance reaches the minimum, money moved to in transit, a pain.001 order valid against the
official XSD; the operator marks batches sent, paid or failed and the ledger follows."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from typing import Any

import pytest
import xmlschema
from sqlalchemy import func, select, update

from pickey_core.models import (
    Creator,
    LedgerTransaction,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutBatchState,
    PayoutOrder,
    Refund,
    RefundState,
)
from pickey_core.resources import Resources
from pickey_payments.ledger import service as ledger
from pickey_payments.payouts import service, tasks
from pickey_payments.settings import PaymentsSettings
from pickey_payments.worker import payments_worker
from tests.payments.money import account_sums, paid_payment, refund_row, unbalanced_transactions
from tests.support import factories
from tests.support.db import all_rows
from tests.support.payments_fans import Fan, FanFactory
from tests.support.settings import TestEnvironment
from tests.support.workers import drain

NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
DEBTOR_IBAN = "CZ6508000000192000145399"
PAIN_001 = xmlschema.XMLSchema(str(files("sepaxml") / "schemas" / "pain.001.001.03.xsd"))


@pytest.fixture
def payments_settings(test_env: TestEnvironment) -> PaymentsSettings:
    return test_env.payments(
        billing={
            "money": {
                "payout_debtor_iban": DEBTOR_IBAN,
                "payout_debtor_name": "Pickey s.r.o.",
                "payout_minimum": {"CZK": 50000, "EUR": 2000},
            }
        }
    )


async def creator_with(
    resources: Resources,
    paid: list[tuple[int, datetime]],
    iban: str | None = "CZ7908000000002000145399",
    currency: str = "CZK",
) -> Creator:
    """A creator whose fans paid ``paid`` (amount, when), booked; with a payout account."""
    async with resources.unit_of_work() as session:
        creator = await factories.creator(session)
        fan = await factories.user(session)
        for amount, when in paid:
            payment = await paid_payment(session, fan, creator, amount, currency, when)
            await ledger.record_payment(session, payment, ledger_money(resources))
        if iban is not None:
            session.add(PayoutAccount(creator_id=creator.id, iban=iban, holder_name="Jana Nová"))
    return creator


def ledger_money(resources: Resources) -> Any:
    settings = resources.settings
    assert isinstance(settings, PaymentsSettings)
    return settings.billing.money


async def balances(resources: Resources, creator: Creator, now: datetime) -> dict[str, Any]:
    async with resources.sessions() as session:
        return {
            b.currency: (b.held, b.available, b.in_transit)
            for b in await ledger.balances(session, creator.id, ledger_money(resources), now)
        }


OLD = NOW - timedelta(days=20)


async def test_the_run_pays_available_money_over_the_minimum_once(
    payments_resources: Resources,
) -> None:
    # 10 x 99 Kč paid 20 days ago: 10 x 73.64 = 736.40 Kč available.
    paid_out = await creator_with(payments_resources, [(9900, OLD)] * 10)
    # Same, plus 199 Kč two days ago: held, not paid out.
    partly_held = await creator_with(
        payments_resources, [(9900, OLD)] * 10 + [(19900, NOW - timedelta(days=2))]
    )
    no_account = await creator_with(payments_resources, [(9900, OLD)] * 10, iban=None)
    below_minimum = await creator_with(payments_resources, [(9900, OLD)] * 6)  # 441.84 Kč
    euro = await creator_with(payments_resources, [(1000, OLD)] * 2, currency="EUR")  # 2 x 7.43

    assert await tasks.run(payments_resources, payments_resources.settings, NOW) == 2
    assert (
        await tasks.run(payments_resources, payments_resources.settings, NOW) == 0
    )  # the period is done
    assert (
        await tasks.run(payments_resources, payments_resources.settings, NOW + timedelta(days=3))
        == 0
    )

    [batch] = await all_rows(payments_resources, PayoutBatch)
    assert (batch.period, batch.state) == ("2026-11", PayoutBatchState.CREATED)
    payouts = {p.creator_id: p for p in await all_rows(payments_resources, Payout)}
    assert set(payouts) == {paid_out.id, partly_held.id}
    assert payouts[paid_out.id].amount == payouts[partly_held.id].amount == 73640
    numbers = sorted(p.statement_number or "" for p in payouts.values())
    assert numbers == ["SB2026-000001", "SB2026-000002"]
    assert await balances(payments_resources, paid_out, NOW) == {"CZK": (0, 0, 73640)}
    assert await balances(payments_resources, partly_held, NOW) == {"CZK": (14801, 0, 73640)}
    assert await balances(payments_resources, no_account, NOW) == {"CZK": (0, 73640, 0)}
    assert await balances(payments_resources, below_minimum, NOW) == {"CZK": (0, 44184, 0)}
    assert await balances(payments_resources, euro, NOW) == {"EUR": (0, 1486, 0)}  # < 20 €

    [order] = await all_rows(payments_resources, PayoutOrder)
    assert order.currency == "CZK"
    PAIN_001.validate(order.document)
    document = PAIN_001.to_dict(order.document)["CstmrCdtTrfInitn"]
    assert document["GrpHdr"]["NbOfTxs"] == "2"
    assert str(document["GrpHdr"]["CtrlSum"]) == "1472.80"
    [info] = document["PmtInf"]
    assert info["DbtrAcct"]["Id"]["IBAN"] == DEBTOR_IBAN
    assert "PmtTpInf" not in info  # a domestic CZK order: no SEPA service level
    transfers = info["CdtTrfTxInf"]
    assert sorted(t["PmtId"]["EndToEndId"] for t in transfers) == numbers
    assert {str(t["Amt"]["InstdAmt"]["$"]) for t in transfers} == {"736.40"}
    assert {t["CdtrAcct"]["Id"]["IBAN"] for t in transfers} == {"CZ7908000000002000145399"}
    async with payments_resources.sessions() as session:
        assert await unbalanced_transactions(session) == []


async def test_a_euro_payout_is_a_sepa_order_of_its_own(payments_resources: Resources) -> None:
    await creator_with(
        payments_resources, [(2900, OLD)], iban="DE89370400440532013000", currency="EUR"
    )
    await creator_with(payments_resources, [(99900, OLD)])

    assert await tasks.run(payments_resources, payments_resources.settings, NOW) == 2

    orders = {o.currency: o for o in await all_rows(payments_resources, PayoutOrder)}
    assert set(orders) == {"CZK", "EUR"}
    for order in orders.values():
        PAIN_001.validate(order.document)
    euro = PAIN_001.to_dict(orders["EUR"].document)["CstmrCdtTrfInitn"]["PmtInf"][0]
    assert euro["PmtTpInf"]["SvcLvl"]["Cd"] == "SEPA"
    assert str(euro["CdtTrfTxInf"][0]["Amt"]["InstdAmt"]["$"]) == "21.57"  # 29 € -> 21.57 €


async def test_two_workers_at_once_make_one_batch(
    payments_settings: PaymentsSettings, payments_resources: Resources
) -> None:
    """Two real arq payments workers start together; each runs the payout cron at startup."""
    now = datetime.now(UTC)
    creators = [
        await creator_with(payments_resources, [(99900, now - timedelta(days=40))])
        for _ in range(3)
    ]
    await asyncio.gather(
        drain(payments_worker(payments_settings)), drain(payments_worker(payments_settings))
    )
    batches = await all_rows(payments_resources, PayoutBatch)
    assert len(batches) == 1
    payouts = await all_rows(payments_resources, Payout)
    assert sorted(p.creator_id for p in payouts) == sorted(c.id for c in creators)
    async with payments_resources.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(LedgerTransaction)
            .where(LedgerTransaction.kind == "payout")
        )
    assert count == 3


async def test_concurrent_runs_in_one_process_also_make_one_batch(
    payments_settings: PaymentsSettings, payments_resources: Resources
) -> None:
    await creator_with(payments_resources, [(99900, OLD)])
    other = await Resources.open(payments_settings)
    try:
        results = await asyncio.gather(
            tasks.run(payments_resources, payments_resources.settings, NOW),
            tasks.run(other, other.settings, NOW),
        )
    finally:
        await other.close()
    assert sorted(results) == [0, 1]
    assert len(await all_rows(payments_resources, Payout)) == 1


async def test_nothing_runs_before_payout_day_or_without_the_platform_account(
    test_env: TestEnvironment, payments_resources: Resources
) -> None:
    await creator_with(payments_resources, [(99900, OLD)])
    late = test_env.payments(billing={"money": {"payout_day": 5}})
    async with payments_resources.unit_of_work() as session:
        assert await service.run(session, late.billing.money, NOW) is None  # 2 Dec < 5
        unset = test_env.payments().billing.money
        assert await service.run(session, unset, NOW) is None
    assert await all_rows(payments_resources, PayoutBatch) == []


@pytest.fixture
async def operator(payments_resources: Resources, make_fan: FanFactory) -> Fan:
    async with payments_resources.unit_of_work() as session:
        user = await factories.user(session, is_operator=True)
    return await make_fan(user=user)


async def batch_after_run(resources: Resources) -> tuple[PayoutBatch, list[Creator]]:
    creators = [await creator_with(resources, [(99900, OLD)]) for _ in range(2)]
    assert await tasks.run(resources, resources.settings, NOW) == 2
    [batch] = await all_rows(resources, PayoutBatch)
    return batch, creators


async def test_sent_then_paid_moves_the_money_out(
    operator: Fan, payments_resources: Resources
) -> None:
    batch, creators = await batch_after_run(payments_resources)
    listed = await operator.client.get("/operator/payout-batches")
    assert [b["id"] for b in listed.json()["items"]] == [str(batch.id)]
    order = await operator.client.get(f"/operator/payout-batches/{batch.id}/payment-order")
    assert order.status_code == 200
    assert order.headers["content-type"].startswith("application/xml")
    PAIN_001.validate(order.text)
    missing = await operator.client.get(
        f"/operator/payout-batches/{batch.id}/payment-order", params={"currency": "EUR"}
    )
    assert missing.json()["error"]["code"] == "payment_order_not_found"

    sent = await operator.client.post(
        f"/operator/payout-batches/{batch.id}/state", json={"state": "sent"}
    )
    paid = await operator.client.post(
        f"/operator/payout-batches/{batch.id}/state", json={"state": "paid"}
    )
    again = await operator.client.post(
        f"/operator/payout-batches/{batch.id}/state", json={"state": "paid"}
    )
    back = await operator.client.post(
        f"/operator/payout-batches/{batch.id}/state", json={"state": "failed"}
    )

    assert (sent.json()["state"], paid.json()["state"], again.json()["state"]) == (
        "sent",
        "paid",
        "paid",
    )
    assert paid.json()["totals"] == [{"currency": "CZK", "payouts": 2, "amount": 2 * 74306}]
    assert (back.status_code, back.json()["error"]["code"]) == (
        409,
        "payout_batch_state_conflict",
    )
    assert {p.state for p in await all_rows(payments_resources, Payout)} == {PayoutBatchState.PAID}
    for creator in creators:
        assert await balances(payments_resources, creator, NOW) == {"CZK": (0, 0, 0)}
    async with payments_resources.sessions() as session:
        sums = await account_sums(session)
    assert sums[("payouts_paid", "CZK")] == 2 * 74306
    assert sums[("payouts_in_transit", "CZK")] == 0


async def test_a_failed_batch_gives_the_money_back_and_the_next_run_pays_it(
    operator: Fan, payments_resources: Resources
) -> None:
    batch, creators = await batch_after_run(payments_resources)

    failed = await operator.client.post(
        f"/operator/payout-batches/{batch.id}/state", json={"state": "failed"}
    )

    assert failed.json()["state"] == "failed"
    for creator in creators:
        assert await balances(payments_resources, creator, NOW) == {"CZK": (0, 74306, 0)}
    next_month = NOW + timedelta(days=31)
    assert await tasks.run(payments_resources, payments_resources.settings, next_month) == 2
    for creator in creators:
        assert await balances(payments_resources, creator, next_month) == {"CZK": (0, 0, 74306)}


async def test_one_payout_fails_alone(operator: Fan, payments_resources: Resources) -> None:
    batch, creators = await batch_after_run(payments_resources)
    [returned, kept] = sorted(
        await all_rows(payments_resources, Payout), key=lambda p: p.statement_number or ""
    )
    url = f"/operator/payout-batches/{batch.id}/payouts/{returned.id}/failed"

    first = await operator.client.post(url)
    second = await operator.client.post(url)
    await operator.client.post(f"/operator/payout-batches/{batch.id}/state", json={"state": "paid"})

    assert (first.json()["state"], second.json()["state"]) == ("failed", "failed")
    by_creator = {c.id: c for c in creators}
    assert await balances(payments_resources, by_creator[returned.creator_id], NOW) == {
        "CZK": (0, 74306, 0)
    }
    assert await balances(payments_resources, by_creator[kept.creator_id], NOW) == {
        "CZK": (0, 0, 0)
    }
    unknown = await operator.client.post(
        f"/operator/payout-batches/{batch.id}/payouts/{uuid.uuid4()}/failed"
    )
    assert unknown.json()["error"]["code"] == "payout_not_found"


async def test_a_refund_of_paid_out_money_is_carried_into_the_next_payout(
    payments_resources: Resources,
) -> None:
    async with payments_resources.unit_of_work() as session:
        creator = await factories.creator(session)
        fan = await factories.user(session)
        money = ledger_money(payments_resources)
        old = [await paid_payment(session, fan, creator, 99900, "CZK", OLD) for _ in range(2)]
        for payment in old:
            await ledger.record_payment(session, payment, money)
        session.add(PayoutAccount(creator_id=creator.id, iban=DEBTOR_IBAN, holder_name="J"))
    # 2 x 743.06 Kč: 999 Kč less VAT 173.38 and fee 82.56
    assert await tasks.run(payments_resources, payments_resources.settings, NOW) == 1
    async with payments_resources.unit_of_work() as session:
        refund = await refund_row(session, old[0], 99900, RefundState.SUCCEEDED)
        await ledger.record_refund(session, refund, money, NOW + timedelta(days=1))
    # The refund takes back 743.06 Kč that was already paid out: the balance is negative.
    assert await balances(payments_resources, creator, NOW + timedelta(days=2)) == {
        "CZK": (0, -74306, 148612)
    }
    # Next month: 10 new payments of 99 Kč (736.40 Kč) do not cover it, so nothing is paid.
    async with payments_resources.unit_of_work() as session:
        for _ in range(10):
            payment = await paid_payment(
                session, fan, creator, 9900, "CZK", NOW + timedelta(days=3)
            )
            await ledger.record_payment(session, payment, money)
    next_month = NOW + timedelta(days=31)
    assert await tasks.run(payments_resources, payments_resources.settings, next_month) == 0
    assert await balances(payments_resources, creator, next_month) == {"CZK": (0, -666, 148612)}


async def test_operator_endpoints_refuse_everyone_else(
    make_fan: FanFactory, anonymous: Any, payments_resources: Resources
) -> None:
    batch_id = uuid.uuid4()
    fan = await make_fan()
    paths = [
        ("GET", "/operator/payout-batches"),
        ("GET", f"/operator/payout-batches/{batch_id}"),
        ("GET", f"/operator/payout-batches/{batch_id}/payment-order"),
        ("POST", f"/operator/payout-batches/{batch_id}/state"),
        ("POST", f"/operator/payout-batches/{batch_id}/payouts/{batch_id}/failed"),
    ]
    for method, path in paths:
        body = {"state": "paid"} if path.endswith("/state") else None
        as_fan = await fan.client.request(method, path, json=body)
        as_nobody = await anonymous.request(method, path, json=body)
        assert (as_fan.status_code, as_fan.json()["error"]["code"]) == (403, "not_operator")
        assert as_nobody.status_code == 401


async def test_bad_batch_requests(operator: Fan, payments_resources: Resources) -> None:
    batch, _ = await batch_after_run(payments_resources)
    wrong_state = await operator.client.post(
        f"/operator/payout-batches/{batch.id}/state", json={"state": "created"}
    )
    unknown = await operator.client.post(
        f"/operator/payout-batches/{uuid.uuid4()}/state", json={"state": "paid"}
    )
    bad_currency = await operator.client.get(
        f"/operator/payout-batches/{batch.id}/payment-order", params={"currency": "USD"}
    )
    bad_cursor = await operator.client.get("/operator/payout-batches", params={"cursor": "x"})
    assert wrong_state.status_code == 422
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (
        404,
        "payout_batch_not_found",
    )
    assert bad_currency.status_code == 422
    assert bad_cursor.json()["error"]["code"] == "invalid_cursor"
    [row] = await all_rows(payments_resources, PayoutBatch)
    assert row.state is PayoutBatchState.CREATED


async def test_the_anomaly_report(
    operator: Fan, make_fan: FanFactory, payments_resources: Resources
) -> None:
    """A negative balance, a paid payment never booked, a refund stuck for hours, a batch left
    open for a week: each listed."""
    money = ledger_money(payments_resources)
    async with payments_resources.unit_of_work() as session:
        creator = await factories.creator(session)
        fan = await factories.user(session)
        paid_out = await paid_payment(session, fan, creator, 99900, "CZK", OLD)
        await ledger.record_payment(session, paid_out, money)
        stuck = await paid_payment(session, fan, creator, 9900, "CZK", OLD)
        await ledger.record_payment(session, stuck, money)
        unbooked = await paid_payment(session, fan, creator, 5900, "CZK", OLD)
        session.add(PayoutAccount(creator_id=creator.id, iban=DEBTOR_IBAN, holder_name="J"))
    assert (
        await tasks.run(payments_resources, payments_resources.settings, NOW) == 1
    )  # 743.06 + 73.64 Kč paid out
    async with payments_resources.unit_of_work() as session:
        full = await refund_row(session, paid_out, 99900, RefundState.SUCCEEDED)
        await ledger.record_refund(session, full, money, NOW)
        pending = await refund_row(session, stuck, 9900, RefundState.PENDING)
        await ledger.record_refund(session, pending, money, NOW)
        old_batch = PayoutBatch(period="2020-01", state=PayoutBatchState.SENT)
        session.add(old_batch)
    async with payments_resources.unit_of_work() as session:
        two_hours_ago = datetime.now(UTC) - timedelta(hours=2)
        await session.execute(
            update(Refund).where(Refund.id == pending.id).values(created_at=two_hours_ago)
        )
        await session.execute(
            update(PayoutBatch)
            .where(PayoutBatch.id == old_batch.id)
            .values(created_at=datetime.now(UTC) - timedelta(days=8))
        )

    report = (await operator.client.get("/operator/anomalies")).json()
    refused = await (await make_fan()).client.get("/operator/anomalies")

    # Both shares were paid out, then both taken back by the refunds: -(74306 + 7364).
    assert report["negative_balances"] == [
        {"creator_id": str(creator.id), "currency": "CZK", "balance": -81670}
    ]
    assert report["paid_payments_not_booked"] == [str(unbooked.id)]
    assert report["refunds_unsettled_over_an_hour"] == [str(pending.id)]
    assert report["payout_batches_open_over_a_week"] == [str(old_batch.id)]
    assert refused.json()["error"]["code"] == "not_operator"
