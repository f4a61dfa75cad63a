"""The ledger on real PostgreSQL: the database keeps every transaction balanced and every entry
unchanged; payments and refunds book what the money rules say, once, to the haléř."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import DBAPIError

from pickey_core.models import (
    CreatorFeeTerms,
    EntryType,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Membership,
    Payment,
    PaymentKind,
    PaymentState,
    RefundState,
    TransactionKind,
)
from pickey_core.resources import Resources
from pickey_payments.gateway import Gateway
from pickey_payments.ledger import service as ledger
from pickey_payments.ledger.config import MoneyConfig
from pickey_payments.renewals import tasks as renewal_tasks
from pickey_payments.settings import PaymentsSettings
from pickey_payments.worker_resources import PaymentsWorkerResources
from tests.payments import flows
from tests.payments.money import (
    account_sums,
    entries_of_payment,
    paid_payment,
    refund_row,
    unbalanced_transactions,
)
from tests.support.db import all_rows
from tests.support.gpwebpay import GpWebpaySandbox
from tests.support.payments_fans import FanFactory, Shop

MONEY = MoneyConfig()
NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def commit_entries(
    resources: Resources, creator_id: uuid.UUID, entries: list[tuple[LedgerAccount, int, str]]
) -> None:
    """One transaction with these (account, amount, currency) entries, committed."""
    async with resources.unit_of_work() as session:
        transaction = LedgerTransaction(key=f"test:{uuid.uuid4()}", kind=TransactionKind.PAYMENT)
        session.add(transaction)
        await session.flush()
        for account, amount, currency in entries:
            session.add(
                LedgerEntry(
                    transaction_id=transaction.id,
                    account=account,
                    creator_id=creator_id,
                    type=EntryType.PAYMENT,
                    amount=amount,
                    currency=currency,
                )
            )


async def test_an_unbalanced_transaction_is_refused_at_commit(
    payments_resources: Resources, shop: Shop
) -> None:
    unbalanced = [
        (LedgerAccount.GATEWAY_CLEARING, -9900, "CZK"),
        (LedgerAccount.CREATOR, 9899, "CZK"),
    ]
    with pytest.raises(DBAPIError, match="does not balance"):
        await commit_entries(payments_resources, shop.creator.id, unbalanced)
    async with payments_resources.sessions() as session:
        assert await session.scalar(select(LedgerEntry.id)) is None
        assert await session.scalar(select(LedgerTransaction.id)) is None
    balanced = [
        (LedgerAccount.GATEWAY_CLEARING, -9900, "CZK"),
        (LedgerAccount.CREATOR, 9900, "CZK"),
    ]
    await commit_entries(payments_resources, shop.creator.id, balanced)
    assert len(await all_rows(payments_resources, LedgerEntry)) == 2


async def test_each_currency_of_a_transaction_must_balance_on_its_own(
    payments_resources: Resources, shop: Shop
) -> None:
    mixed = [(LedgerAccount.GATEWAY_CLEARING, -100, "CZK"), (LedgerAccount.CREATOR, 100, "EUR")]
    with pytest.raises(DBAPIError, match="does not balance"):
        await commit_entries(payments_resources, shop.creator.id, mixed)


async def test_entries_and_transactions_can_be_neither_updated_nor_deleted(
    payments_resources: Resources, shop: Shop, make_fan: FanFactory
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        payment = await paid_payment(session, fan.user, shop.creator, 9900)
        assert await ledger.record_payment(session, payment, MONEY)
    attempts = [
        update(LedgerEntry).values(amount=LedgerEntry.amount * 2),
        delete(LedgerEntry),
        update(LedgerTransaction).values(key="changed"),
        delete(LedgerTransaction),
    ]
    for statement in attempts:
        with pytest.raises(DBAPIError, match="append-only"):
            async with payments_resources.unit_of_work() as session:
                await session.execute(statement)
    async with payments_resources.sessions() as session:
        assert await entries_of_payment(session, payment.id) == {
            "gateway_clearing/payment": -9900,
            "vat_payable/vat": 1718,
            "platform_revenue/platform_fee": 818,
            "creator/payment": 7364,
        }


async def test_a_paid_checkout_is_booked_once_through_the_real_settlement_path(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    created = await flows.join(fan, gpwebpay, shop.tiers[1])  # 99 Kč
    async with payments_resources.sessions() as session:
        payment = await session.get(Payment, created["payment_id"])
        assert payment is not None
        assert payment.state is PaymentState.PAID
        assert await entries_of_payment(session, payment.id) == {
            "gateway_clearing/payment": -9900,
            "vat_payable/vat": 1718,
            "platform_revenue/platform_fee": 818,
            "creator/payment": 7364,
        }
        [transaction] = await all_rows(payments_resources, LedgerTransaction)
        assert transaction.key == f"payment:{payment.id}"
        entry_times = set((await session.scalars(select(LedgerEntry.created_at))).all())
        assert entry_times == {payment.paid_at}
    # Booking again (a refreshed return page, a status answer after the return) adds nothing.
    async with payments_resources.unit_of_work() as session:
        payment = await session.get(Payment, created["payment_id"])
        assert payment is not None
        assert not await ledger.record_payment(session, payment, MONEY)
    assert len(await all_rows(payments_resources, LedgerEntry)) == 4


async def test_fee_terms_gateway_fee_and_the_settings_apply(
    payments_resources: Resources, shop: Shop, make_fan: FanFactory
) -> None:
    fan = await make_fan()
    money = MoneyConfig(gateway_fee_bps=120, gateway_fee_fixed=150)
    async with payments_resources.unit_of_work() as session:
        session.add(CreatorFeeTerms(creator_id=shop.creator.id, fee_bps=500, fee_fixed=None))
        await session.flush()
        payment = await paid_payment(session, fan.user, shop.creator, 9900)
        await ledger.record_payment(session, payment, money)
    async with payments_resources.sessions() as session:
        assert await entries_of_payment(session, payment.id) == {
            "gateway_clearing/payment": -9900,
            "vat_payable/vat": 1718,
            "platform_revenue/platform_fee": 409,  # 5 % of 8182 = 409.1
            "creator/payment": 7773,
            "platform_revenue/gateway_fee": -269,  # 1.2 % of 9900 = 118.8 -> 119, + 150
            "gateway_fees/gateway_fee": 269,
        }


async def test_hold_then_available(
    payments_resources: Resources, shop: Shop, make_fan: FanFactory
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        old = await paid_payment(session, fan.user, shop.creator, 9900, paid_at=NOW)
        new = await paid_payment(
            session, fan.user, shop.creator, 5900, paid_at=NOW + timedelta(days=5)
        )
        for payment in (old, new):
            await ledger.record_payment(session, payment, MONEY)
    async with payments_resources.sessions() as session:
        at = NOW + timedelta(days=6)
        [czk] = await ledger.balances(session, shop.creator.id, MONEY, at)
        assert (czk.currency, czk.held, czk.available, czk.in_transit) == ("CZK", 11752, 0, 0)
        at = NOW + timedelta(days=7, seconds=1)  # the 99 Kč share is out of its hold
        [czk] = await ledger.balances(session, shop.creator.id, MONEY, at)
        assert (czk.held, czk.available) == (4388, 7364)
        [czk] = await ledger.balances(session, shop.creator.id, MONEY, NOW + timedelta(days=13))
        assert (czk.held, czk.available) == (0, 11752)
        longer = MoneyConfig(hold_days=30)
        [czk] = await ledger.balances(session, shop.creator.id, longer, NOW + timedelta(days=13))
        assert (czk.held, czk.available) == (11752, 0)


async def test_refunds_come_from_held_money_first_then_available(
    payments_resources: Resources, shop: Shop, make_fan: FanFactory
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        old = await paid_payment(session, fan.user, shop.creator, 19900, paid_at=NOW)
        new = await paid_payment(
            session, fan.user, shop.creator, 5900, paid_at=NOW + timedelta(days=10)
        )
        for payment in (old, new):
            await ledger.record_payment(session, payment, MONEY)
        # Day 11: 14801 available (old), 4388 held (new). Refund the old one fully.
        refund = await refund_row(session, old, 19900, RefundState.SUCCEEDED)
        assert await ledger.record_refund(session, refund, MONEY, NOW + timedelta(days=11))
    async with payments_resources.sessions() as session:
        [czk] = await ledger.balances(session, shop.creator.id, MONEY, NOW + timedelta(days=11))
        # recent = 4388 - 14801 < 0: nothing held any more; the rest comes out of available.
        assert (czk.held, czk.available) == (0, 4388)
        assert await entries_of_payment(session, old.id) == {
            "gateway_clearing/payment": -19900,
            "vat_payable/vat": 3454,
            "platform_revenue/platform_fee": 1645,
            "creator/payment": 14801,
            "creator/refund": -14801,
            "platform_revenue/refund": -1645,
            "vat_payable/refund": -3454,
            "refunds/refund": 0,  # reserved +19900, paid out -19900
            "gateway_clearing/refund": 19900,
        }


async def test_partial_refunds_failed_ones_and_a_refund_too_many(
    payments_resources: Resources, shop: Shop, make_fan: FanFactory
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        payment = await paid_payment(session, fan.user, shop.creator, 9900, paid_at=NOW)
        await ledger.record_payment(session, payment, MONEY)
        first = await refund_row(session, payment, 3300, RefundState.PENDING)
        assert await ledger.record_refund(session, first, MONEY, NOW)
        assert not await ledger.record_refund(session, first, MONEY, NOW)  # idempotent
        second = await refund_row(session, payment, 3300, RefundState.SUCCEEDED)
        await ledger.record_refund(session, second, MONEY, NOW)
        first.state = RefundState.FAILED  # the gateway did not refund it: give it back
        assert await ledger.record_refund(session, first, MONEY, NOW)
        assert not await ledger.record_refund(session, first, MONEY, NOW)
        third = await refund_row(session, payment, 6600, RefundState.SUCCEEDED)
        await ledger.record_refund(session, third, MONEY, NOW)
        too_many = await refund_row(session, payment, 1, RefundState.REQUESTED)
        with pytest.raises(ledger.RefundExceedsPayment):
            await ledger.record_refund(session, too_many, MONEY, NOW)
    async with payments_resources.sessions() as session:
        sums = await account_sums(session, shop.creator.id)
        # 3300 + 6600 refunded: everything taken back to the haléř, VAT and fee included.
        assert sums == {
            ("creator", "CZK"): 0,
            ("platform_revenue", "CZK"): 0,
            ("vat_payable", "CZK"): 0,
            ("refunds", "CZK"): 0,
            ("gateway_clearing", "CZK"): 0,
        }
        assert await unbalanced_transactions(session) == []
        kinds = (await session.scalars(select(LedgerTransaction.kind))).all()
        assert sorted(kind.value for kind in kinds) == sorted(
            ["payment"] + ["refund_reserved"] * 3 + ["refund_released"] + ["refund_paid"] * 2
        )


async def test_refunding_an_unbooked_payment_books_it_first(
    payments_resources: Resources, shop: Shop, make_fan: FanFactory
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        payment = await paid_payment(session, fan.user, shop.creator, 5900, paid_at=NOW)
        refund = await refund_row(session, payment, 5900, RefundState.SUCCEEDED)
        await ledger.record_refund(session, refund, MONEY, NOW)
    async with payments_resources.sessions() as session:
        assert (await account_sums(session))[("creator", "CZK")] == 0


async def test_the_settings_carry_the_money_rules(test_env: object) -> None:
    settings = PaymentsSettings(
        _env_file=None,  # type: ignore[call-arg]
        environment="development",
        billing={"money": {"vat_rate_bps": 1200, "payout_minimum": {"CZK": 100}}},
    )
    assert settings.billing.money.vat_rate_bps == 1200
    assert settings.billing.money.minimum_payout("CZK") == 100
    assert settings.billing.money.minimum_payout("EUR") == 1
    with pytest.raises(ValueError, match="unsupported currency"):
        MoneyConfig(payout_minimum={"USD": 100})
    with pytest.raises(ValueError, match="positive"):
        MoneyConfig(payout_minimum={"CZK": 0})


async def test_a_renewal_is_booked_and_a_failed_checkout_is_not(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    await flows.join(fan, gpwebpay, shop.tiers[0])  # 59 Kč
    [membership] = await all_rows(payments_resources, Membership)
    async with payments_resources.unit_of_work() as session:
        end = datetime.now(UTC) - timedelta(minutes=1)
        await session.execute(
            update(Membership)
            .where(Membership.id == membership.id)
            .values(current_period_start=end - timedelta(days=30), current_period_end=end)
        )
    assert (
        await renewal_tasks.run(
            payments_resources,
            PaymentsWorkerResources(payments_resources.settings, gateway),
            datetime.now(UTC),
        )
    ).recorded == 1
    other = await make_fan()
    await flows.pay(
        other, gpwebpay, {"kind": "membership", "tier_id": str(shop.tiers[2].id)}, "declined"
    )

    [renewal] = await all_rows(payments_resources, Payment, Payment.kind == PaymentKind.RENEWAL)
    assert renewal.state is PaymentState.PAID
    async with payments_resources.sessions() as session:
        assert await entries_of_payment(session, renewal.id) == {
            "gateway_clearing/payment": -5900,
            "vat_payable/vat": 1024,
            "platform_revenue/platform_fee": 488,
            "creator/payment": 4388,
        }
        # Two paid 59 Kč payments; the declined 199 Kč one left no trace.
        assert await account_sums(session) == {
            ("gateway_clearing", "CZK"): -11800,
            ("vat_payable", "CZK"): 2048,
            ("platform_revenue", "CZK"): 976,
            ("creator", "CZK"): 8776,
        }
