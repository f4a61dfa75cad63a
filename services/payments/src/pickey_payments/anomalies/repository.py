"""Queries for the operator's anomaly report, each capped at ``limit`` rows.

The balance and booking checks scan the ledger and the paid payments (an operator's occasional
report, not a page of a list); the refund and batch checks read their partial/unique indexes.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import and_, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentState,
    PayoutBatch,
    PayoutBatchState,
    Refund,
    RefundState,
    TransactionKind,
)


async def negative_balances(session: AsyncSession, limit: int) -> list[tuple[uuid.UUID, str, int]]:
    total = func.sum(LedgerEntry.amount)
    rows = await session.execute(
        select(LedgerEntry.creator_id, LedgerEntry.currency, total)
        .where(LedgerEntry.account == LedgerAccount.CREATOR.value)
        .group_by(LedgerEntry.creator_id, LedgerEntry.currency)
        .having(total < 0)
        .order_by(total)
        .limit(limit)
    )
    return [(c, cur, int(t)) for c, cur, t in rows if c is not None]


async def paid_not_booked(session: AsyncSession, limit: int) -> list[uuid.UUID]:
    booked = exists().where(
        and_(
            LedgerTransaction.payment_id == Payment.id,
            LedgerTransaction.kind == TransactionKind.PAYMENT.value,
        )
    )
    rows = await session.scalars(
        select(Payment.id).where(Payment.state == PaymentState.PAID.value, ~booked).limit(limit)
    )
    return list(rows)


async def refunds_unsettled_since(
    session: AsyncSession, before: datetime, limit: int
) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(Refund.id)
        .where(
            Refund.state.in_(
                [RefundState.REQUESTED.value, RefundState.PENDING.value, RefundState.UNKNOWN.value]
            ),
            Refund.created_at < before,
        )
        .order_by(Refund.created_at)
        .limit(limit)
    )
    return list(rows)


async def batches_open_since(
    session: AsyncSession, before: datetime, limit: int
) -> list[uuid.UUID]:
    rows = await session.scalars(
        select(PayoutBatch.id)
        .where(
            PayoutBatch.state.in_([PayoutBatchState.CREATED.value, PayoutBatchState.SENT.value]),
            PayoutBatch.created_at < before,
        )
        .order_by(PayoutBatch.created_at)
        .limit(limit)
    )
    return list(rows)
