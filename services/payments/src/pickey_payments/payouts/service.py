"""The monthly payout run and what an operator does with a batch afterwards.

**Run** (:func:`run`, the worker's hourly cron from ``payout_day`` of a month on): pays out the
month before, exactly once — the batch row is unique per period, so however many workers run
it, one creates the batch and the others find it taken. In one transaction, set-based:

1. the ledger is frozen for writes for the length of the run (bookings wait), so balances and
   the entry ranges the statements cover are exact;
2. one payout per creator and currency whose *available* balance (``ledger.service`` for held
   vs available) reaches ``payout_minimum`` and who has a payout account: the whole available
   amount (a negative available balance, from refunds of money already paid out, is simply not
   paid and carried into the next month);
3. self-billing invoice numbers (series ``SB``) for the statements, gap-free;
4. per payout a ledger transaction moving the amount from the creator's balance to payouts in
   transit;
5. one ISO 20022 pain.001 payment order per currency (:mod:`pickey_payments.payouts.
   payment_order`), stored with the batch for the operator to download and upload to the bank.

Without ``payout_debtor_iban`` nothing runs (an anomaly is counted): a payment order needs the
platform's account, and moving money to "in transit" without one would strand it.

**Batch states** move ``created`` → ``sent`` → ``paid``, or to ``failed`` from ``created`` or
``sent``. ``paid`` moves each payout from in transit to paid out; ``failed`` gives it back to
the creator's balance (a reversing transaction; available at once, so the next run pays it
again, to the account then current). One payout can fail alone (a closed account) while the
rest of its batch is paid. Asking for the state a batch is already in changes nothing; going
back is refused.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.document_numbers import SELF_BILLING_SERIES, reserve_document_numbers
from pickey_core.errors import Conflict, NotFound
from pickey_core.models import (
    LedgerAccount,
    Payout,
    PayoutBatch,
    PayoutOrder,
    TransactionKind,
)
from pickey_core.models import PayoutBatchState as State
from pickey_core.observability.metrics import PAYMENT_ANOMALIES
from pickey_payments.ledger.config import MoneyConfig
from pickey_payments.payouts import payment_order, repository

logger = structlog.get_logger(__name__)

OPEN = [State.CREATED.value, State.SENT.value]


class BatchNotFound(NotFound):
    code = "payout_batch_not_found"


class PayoutNotFound(NotFound):
    code = "payout_not_found"


class BatchStateConflict(Conflict):
    code = "payout_batch_state_conflict"


@dataclass(frozen=True)
class RunResult:
    batch_id: uuid.UUID
    period: str
    payouts: int


def period_before(now: datetime) -> str:
    """``YYYY-MM`` of the month before ``now``'s."""
    last_month = now.replace(day=1) - timedelta(days=1)
    return f"{last_month.year:04d}-{last_month.month:02d}"


async def run(session: AsyncSession, money: MoneyConfig, now: datetime) -> RunResult | None:
    """Pay out the month before ``now`` if it is time and nobody has; None otherwise."""
    if now.day < money.payout_day:
        return None
    if money.payout_debtor_iban is None:
        PAYMENT_ANOMALIES.labels("payout_debtor_missing").inc()
        logger.error("payout run skipped: PICKEY_BILLING__MONEY__PAYOUT_DEBTOR_IBAN is not set")
        return None
    period = period_before(now)
    batch_id = await repository.claim_period(session, period, now)
    if batch_id is None:
        return None
    await repository.freeze_ledger(session)
    count = await repository.create_payouts(
        session,
        batch_id,
        now,
        now - money.hold,
        money.minimum_payout("CZK"),
        money.minimum_payout("EUR"),
    )
    if count:
        first = await reserve_document_numbers(session, SELF_BILLING_SERIES, now.year, count)
        await repository.number_statements(session, batch_id, SELF_BILLING_SERIES, now.year, first)
        await repository.book(
            session,
            batch_id,
            kind=TransactionKind.PAYOUT.value,
            debit=LedgerAccount.CREATOR.value,
            credit=LedgerAccount.PAYOUTS_IN_TRANSIT.value,
            from_states=[State.CREATED.value],
            now=now,
        )
        for currency, lines in (await repository.order_lines(session, batch_id, period)).items():
            document = payment_order.build(money, currency, lines, now.date())
            session.add(PayoutOrder(batch_id=batch_id, currency=currency, document=document))
        await session.flush()
    logger.info("payout run", period=period, payouts=count, batch_id=str(batch_id))
    return RunResult(batch_id, period, count)


async def _locked(session: AsyncSession, batch_id: uuid.UUID) -> PayoutBatch:
    batch = await repository.lock_batch(session, batch_id)
    if batch is None:
        raise BatchNotFound("No such payout batch.")
    return batch


_ALLOWED_FROM = {
    State.SENT: {State.CREATED},
    State.PAID: {State.CREATED, State.SENT},
    State.FAILED: {State.CREATED, State.SENT},
}


async def mark(
    session: AsyncSession, batch_id: uuid.UUID, target: State, now: datetime
) -> PayoutBatch:
    """Move the batch (and its open payouts) to ``target``; see the module docstring."""
    batch = await _locked(session, batch_id)
    if batch.state is target:
        return batch
    if batch.state not in _ALLOWED_FROM[target]:
        raise BatchStateConflict(
            f"A {batch.state.value} batch cannot become {target.value}.",
        )
    await _move(session, batch_id, target, now)
    batch.state = target
    batch.updated_at = now
    await session.flush()
    logger.info("payout batch marked", batch_id=str(batch_id), state=target.value)
    return batch


async def fail_one(
    session: AsyncSession, batch_id: uuid.UUID, payout_id: uuid.UUID, now: datetime
) -> Payout:
    """One payout of an open batch failed (the bank returned it): its money goes back."""
    batch = await _locked(session, batch_id)
    payout = await session.get(Payout, payout_id)
    if payout is None or payout.batch_id != batch.id:
        raise PayoutNotFound("No such payout in this batch.")
    if payout.state is State.FAILED:
        return payout
    if payout.state not in (State.CREATED, State.SENT):
        raise BatchStateConflict(f"A {payout.state.value} payout cannot fail.")
    await _move(session, batch_id, State.FAILED, now, payout_id)
    await session.refresh(payout)
    return payout


async def _move(
    session: AsyncSession,
    batch_id: uuid.UUID,
    target: State,
    now: datetime,
    payout_id: uuid.UUID | None = None,
) -> None:
    if target is State.PAID:
        await repository.book(
            session,
            batch_id,
            kind=TransactionKind.PAYOUT_PAID.value,
            debit=LedgerAccount.PAYOUTS_IN_TRANSIT.value,
            credit=LedgerAccount.PAYOUTS_PAID.value,
            from_states=OPEN,
            now=now,
            payout_id=payout_id,
        )
    elif target is State.FAILED:
        await repository.book(
            session,
            batch_id,
            kind=TransactionKind.PAYOUT_FAILED.value,
            debit=LedgerAccount.PAYOUTS_IN_TRANSIT.value,
            credit=LedgerAccount.CREATOR.value,
            from_states=OPEN,
            now=now,
            payout_id=payout_id,
        )
    await repository.set_state(session, batch_id, target.value, OPEN, now, payout_id)
