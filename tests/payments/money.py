"""Helpers for ledger tests: paid payments made directly, and the ledger read back."""

from __future__ import annotations

import uuid
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Creator,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    PaymentKind,
    PaymentState,
    Refund,
    RefundState,
    User,
)


async def paid_payment(
    session: AsyncSession,
    fan: User,
    creator: Creator,
    amount: int,
    currency: str = "CZK",
    paid_at: datetime | None = None,
) -> Payment:
    """A paid tip row, as settlement leaves it (without booking it: the test books it)."""
    row = Payment(
        kind=PaymentKind.TIP,
        state=PaymentState.PAID,
        fan_id=fan.id,
        creator_id=creator.id,
        amount=amount,
        currency=currency,
        paid_at=paid_at or datetime.now(UTC),
    )
    session.add(row)
    await session.flush()
    return row


async def refund_row(
    session: AsyncSession, payment: Payment, amount: int, state: RefundState, **fields: Any
) -> Refund:
    row = Refund(
        payment_id=payment.id,
        creator_id=payment.creator_id,
        amount=amount,
        currency=payment.currency,
        state=state,
        message_id=fields.pop("message_id", uuid.uuid4().hex),
        **fields,
    )
    session.add(row)
    await session.flush()
    return row


async def account_sums(
    session: AsyncSession, creator_id: uuid.UUID | None = None
) -> dict[tuple[str, str], int]:
    """Sum per (account, currency), over one creator's transactions or all of them."""
    query = select(LedgerEntry.account, LedgerEntry.currency, func.sum(LedgerEntry.amount))
    if creator_id is not None:
        query = query.where(LedgerEntry.creator_id == creator_id)
    rows = await session.execute(query.group_by(LedgerEntry.account, LedgerEntry.currency))
    return {(str(account), currency): int(total) for account, currency, total in rows}


async def entries_of_payment(session: AsyncSession, payment_id: uuid.UUID) -> dict[str, int]:
    """``{"account/type": amount}`` of everything booked for one payment."""
    rows = await session.execute(
        select(LedgerEntry.account, LedgerEntry.type, LedgerEntry.amount)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerTransaction.payment_id == payment_id)
    )
    sums: dict[str, int] = defaultdict(int)
    for account, entry_type, amount in rows:
        sums[f"{LedgerAccount(account).value}/{entry_type}"] += int(amount)
    return dict(sums)


async def unbalanced_transactions(session: AsyncSession) -> list[Any]:
    rows = await session.execute(
        select(LedgerEntry.transaction_id, LedgerEntry.currency)
        .group_by(LedgerEntry.transaction_id, LedgerEntry.currency)
        .having(func.sum(LedgerEntry.amount) != 0)
    )
    return list(rows)
