"""A property test of the books: random sequences of checkouts paid (or declined) through the
real settlement path (checkout → sandbox → return), renewals, refunds (partial, full, failed,
still pending), payout runs and failed payout batches always leave

- every ledger transaction balanced, per currency;
- gateway clearing equal to what the gateway took (paid payments) minus what it gave back
  (succeeded refunds);
- the refunds account equal to the refunds still under way;
- each creator at or above the documented floor (``ledger.service``): balance + in transit +
  paid out = their shares minus the shares refunds took back, never below zero; and the balance
  alone never below minus the shares of refunds booked after that money was paid out;
- VAT payable and platform revenue never negative (no gateway fee estimate configured here).
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from typing import Any

import asyncpg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select, update

from pickey_core.models import (
    LedgerAccount,
    LedgerEntry,
    Membership,
    Payment,
    PaymentState,
    PayoutAccount,
    PayoutBatch,
    PayoutBatchState,
    Refund,
    RefundState,
)
from pickey_core.resources import Resources
from pickey_payments.gateway import Gateway
from pickey_payments.ledger import service as ledger
from pickey_payments.payouts import service as payouts
from pickey_payments.payouts import tasks as payout_tasks
from pickey_payments.renewals import tasks as renewal_tasks
from pickey_payments.settings import PaymentsSettings
from pickey_payments.worker_resources import PaymentsWorkerResources
from tests.payments import flows
from tests.payments.money import account_sums, unbalanced_transactions
from tests.support import factories
from tests.support.gpwebpay import GpWebpaySandbox
from tests.support.infra import TABLES, asyncpg_dsn
from tests.support.payments_fans import FanFactory
from tests.support.settings import TestEnvironment

DEBTOR_IBAN = "CZ6508000000192000145399"

checkout = st.tuples(
    st.just("tip"),
    st.integers(0, 1),  # creator
    st.integers(2_000, 60_000),  # haléře, inside the tip bounds
    st.sampled_from(["paid", "paid", "paid", "declined"]),
)
join = st.tuples(st.just("join"), st.integers(0, 1), st.integers(0, 2))
renew = st.tuples(st.just("renew"))
refund = st.tuples(
    st.just("refund"),
    st.integers(0, 100),  # which paid payment (modulo how many there are)
    st.integers(1, 100),  # percent of what is left
    st.sampled_from(["succeeded", "failed", "pending", "pending_then_succeeded"]),
)
payout = st.tuples(st.just("payout"), st.sampled_from(["created", "paid", "failed"]))
step = st.one_of(checkout, join, renew, refund, payout)


@pytest.fixture
def payments_settings(test_env: TestEnvironment) -> PaymentsSettings:
    return test_env.payments(
        billing={"money": {"payout_debtor_iban": DEBTOR_IBAN, "payout_minimum": {"CZK": 100}}}
    )


async def reset(resources: Resources, database_url: str, gpwebpay: GpWebpaySandbox) -> list[Any]:
    """Empty books and two creators with tiers and payout accounts, for one example."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        await connection.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()
    await gpwebpay.clear()
    shops = []
    async with resources.unit_of_work() as session:
        for _ in range(2):
            creator = await factories.creator(session)
            tiers = [await factories.tier(session, creator, p) for p in (5900, 9900, 19900)]
            session.add(PayoutAccount(creator_id=creator.id, iban=DEBTOR_IBAN, holder_name="C"))
            shops.append((creator, tiers))
    return shops


async def do_refund(
    resources: Resources, money: Any, choice: int, percent: int, outcome: str
) -> None:
    async with resources.unit_of_work() as session:
        paid = (
            await session.scalars(
                select(Payment).where(Payment.state == PaymentState.PAID).order_by(Payment.id)
            )
        ).all()
        if not paid:
            return
        payment = paid[choice % len(paid)]
        taken = await session.scalar(
            select(func.coalesce(func.sum(Refund.amount), 0)).where(
                Refund.payment_id == payment.id, Refund.state != RefundState.FAILED
            )
        )
        left = payment.amount - int(taken or 0)
        amount = max(1, left * percent // 100)
        if left <= 0:
            return
        state = RefundState.SUCCEEDED if outcome == "succeeded" else RefundState.PENDING
        row = Refund(
            payment_id=payment.id,
            creator_id=payment.creator_id,
            amount=amount,
            currency=payment.currency,
            state=state,
            message_id=uuid.uuid4().hex,
        )
        session.add(row)
        await session.flush()
        await ledger.record_refund(session, row, money)
        if outcome in ("failed", "pending_then_succeeded"):
            row.state = RefundState.FAILED if outcome == "failed" else RefundState.SUCCEEDED
            await ledger.record_refund(session, row, money)


async def check_books(resources: Resources) -> None:
    async with resources.sessions() as session:
        assert await unbalanced_transactions(session) == []
        sums = await account_sums(session)
        took = await session.scalar(
            select(func.coalesce(func.sum(Payment.amount), 0)).where(
                Payment.state == PaymentState.PAID
            )
        )
        gave_back = await session.scalar(
            select(func.coalesce(func.sum(Refund.amount), 0)).where(
                Refund.state == RefundState.SUCCEEDED
            )
        )
        under_way = await session.scalar(
            select(func.coalesce(func.sum(Refund.amount), 0)).where(
                Refund.state.in_([RefundState.PENDING, RefundState.REQUESTED])
            )
        )
        assert -sums.get(("gateway_clearing", "CZK"), 0) == int(took or 0) - int(gave_back or 0)
        assert sums.get(("refunds", "CZK"), 0) == int(under_way or 0)
        assert sums.get(("vat_payable", "CZK"), 0) >= 0
        assert sums.get(("platform_revenue", "CZK"), 0) >= 0
        per_creator: dict[Any, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        rows = await session.execute(
            select(LedgerEntry.creator_id, LedgerEntry.account, LedgerEntry.type,
                   func.sum(LedgerEntry.amount))
            .where(LedgerEntry.creator_id.is_not(None))
            .group_by(LedgerEntry.creator_id, LedgerEntry.account, LedgerEntry.type)
        )  # fmt: skip
        for creator_id, account, entry_type, total in rows:
            per_creator[creator_id][f"{LedgerAccount(account).value}/{entry_type}"] += int(total)
        for books in per_creator.values():
            balance = sum(v for k, v in books.items() if k.startswith("creator/"))
            in_transit = sum(v for k, v in books.items() if k.startswith("payouts_in_transit/"))
            paid_out = sum(v for k, v in books.items() if k.startswith("payouts_paid/"))
            shares = books.get("creator/payment", 0)
            refunded = -(books.get("creator/refund", 0) + books.get("creator/reversal", 0))
            assert balance + in_transit + paid_out == shares - refunded >= 0
            assert balance >= -refunded


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(step, min_size=3, max_size=9))
async def test_no_sequence_unbalances_the_books(
    steps: list[tuple[Any, ...]],
    payments_resources: Resources,
    payments_settings: PaymentsSettings,
    gateway: Gateway,
    gpwebpay: GpWebpaySandbox,
    make_fan: FanFactory,
    database_url: str,
) -> None:
    shops = await reset(payments_resources, database_url, gpwebpay)
    money = payments_settings.billing.money
    fans = [await make_fan() for _ in range(2)]
    months = 0
    for op in steps:
        if op[0] == "tip":
            creator, _ = shops[op[1]]
            body = {"kind": "tip", "creator_id": str(creator.id), "amount": op[2],
                    "currency": "CZK"}  # fmt: skip
            await flows.pay(fans[op[1]], gpwebpay, body, op[3])
        elif op[0] == "join":
            fan = fans[op[1]]
            async with payments_resources.sessions() as session:
                held = await session.scalar(
                    select(func.count())
                    .select_from(Membership)
                    .where(Membership.fan_id == fan.user.id)
                )
            if not held:
                await flows.join(fan, gpwebpay, shops[0][1][op[2]])
        elif op[0] == "renew":
            async with payments_resources.unit_of_work() as session:
                end = datetime.now(UTC) - timedelta(minutes=1)
                await session.execute(
                    update(Membership).values(
                        current_period_start=end - timedelta(days=30), current_period_end=end
                    )
                )
            await renewal_tasks.run(
                payments_resources,
                PaymentsWorkerResources(payments_resources.settings, gateway),
                datetime.now(UTC),
            )
        elif op[0] == "refund":
            await do_refund(payments_resources, money, op[1], op[2], op[3])
        else:
            months += 1
            when = datetime.now(UTC) + timedelta(days=31 * months)
            await payout_tasks.run(payments_resources, payments_resources.settings, when)
            target = PayoutBatchState(op[1])
            async with payments_resources.unit_of_work() as session:
                batches = (await session.scalars(select(PayoutBatch))).all()
                for batch in batches:
                    if batch.state is PayoutBatchState.CREATED:
                        await payouts.mark(session, batch.id, target, when)
        await check_books(payments_resources)
