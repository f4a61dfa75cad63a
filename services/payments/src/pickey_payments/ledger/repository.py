"""Ledger queries. Entries are only ever inserted; balances are sums over them."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, and_, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    HOLD_ENTRY_TYPES,
    CreatorFeeTerms,
    EntryType,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payment,
    TransactionKind,
)
from pickey_core.pagination import after_key


@dataclass(frozen=True)
class Line:
    """One entry to write: signed amount, credit positive."""

    account: LedgerAccount
    type: EntryType
    amount: int


async def fee_terms(session: AsyncSession, creator_id: uuid.UUID) -> CreatorFeeTerms | None:
    return await session.get(CreatorFeeTerms, creator_id)


async def book(
    session: AsyncSession,
    *,
    key: str,
    kind: TransactionKind,
    currency: str,
    lines: Sequence[Line],
    now: datetime,
    creator_id: uuid.UUID | None = None,
    payment_id: uuid.UUID | None = None,
    refund_id: uuid.UUID | None = None,
    payout_id: uuid.UUID | None = None,
) -> uuid.UUID | None:
    """Write one transaction and its lines; None (and nothing written) if ``key`` was booked.

    Zero lines are left out (an entry is never zero). The database refuses the commit if the
    lines do not sum to zero.
    """
    transaction_id: uuid.UUID | None = await session.scalar(
        insert(LedgerTransaction)
        .values(
            id=uuid.uuid4(),
            key=key,
            kind=kind.value,
            payment_id=payment_id,
            refund_id=refund_id,
            payout_id=payout_id,
            creator_id=creator_id,
            created_at=now,
        )
        .on_conflict_do_nothing(index_elements=[LedgerTransaction.key])
        .returning(LedgerTransaction.id)
    )
    if transaction_id is None:
        return None
    rows = [
        {
            "transaction_id": transaction_id,
            "account": line.account.value,
            "creator_id": creator_id,
            "type": line.type.value,
            "amount": line.amount,
            "currency": currency,
            "created_at": now,
        }
        for line in lines
        if line.amount != 0
    ]
    await session.execute(insert(LedgerEntry), rows)
    return transaction_id


async def transaction_lines(session: AsyncSession, key: str) -> list[Line] | None:
    """The lines of the transaction booked under ``key``, or None if there is none."""
    transaction_id = await session.scalar(
        select(LedgerTransaction.id).where(LedgerTransaction.key == key)
    )
    if transaction_id is None:
        return None
    rows = await session.execute(
        select(LedgerEntry.account, LedgerEntry.type, LedgerEntry.amount)
        .where(LedgerEntry.transaction_id == transaction_id)
        .order_by(LedgerEntry.id)
    )
    return [Line(LedgerAccount(a), EntryType(t), amount) for a, t, amount in rows]


async def taken_by_refunds(
    session: AsyncSession, payment_id: uuid.UUID, refund_id: uuid.UUID
) -> dict[LedgerAccount, int]:
    """Per account, what refunds of the payment other than ``refund_id`` hold (reservations
    minus the ones released because the gateway did not refund); credit positive, so the
    refunds account shows the gross taken back and the others negative amounts."""
    rows = await session.execute(
        select(LedgerEntry.account, func.sum(LedgerEntry.amount))
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(
            LedgerTransaction.payment_id == payment_id,
            LedgerTransaction.refund_id != refund_id,
            LedgerTransaction.kind.in_(
                [TransactionKind.REFUND_RESERVED.value, TransactionKind.REFUND_RELEASED.value]
            ),
        )
        .group_by(LedgerEntry.account)
    )
    return {LedgerAccount(account): int(total) for account, total in rows}


async def lock_payment(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    """Refunds of one payment are booked one at a time (their shares are cumulative)."""
    return await session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())


@dataclass(frozen=True)
class CreatorSums:
    currency: str
    balance: int  # the creator account: everything owed to the creator, held or not
    recent: int  # what sales and refunds added to it during the hold period
    in_transit: int


async def creator_sums(
    session: AsyncSession, creator_id: uuid.UUID, held_since: datetime
) -> list[CreatorSums]:
    """One pass over the creator's two accounts (index ``ix_ledger_entries_creator_account``)."""
    is_creator = LedgerEntry.account == LedgerAccount.CREATOR.value
    rows = await session.execute(
        select(
            LedgerEntry.currency,
            func.coalesce(func.sum(LedgerEntry.amount).filter(is_creator), 0),
            func.coalesce(
                func.sum(LedgerEntry.amount).filter(
                    and_(
                        is_creator,
                        LedgerEntry.type.in_(HOLD_ENTRY_TYPES),
                        LedgerEntry.created_at > held_since,
                    )
                ),
                0,
            ),
            func.coalesce(
                func.sum(LedgerEntry.amount).filter(
                    LedgerEntry.account == LedgerAccount.PAYOUTS_IN_TRANSIT.value
                ),
                0,
            ),
        )
        .where(
            LedgerEntry.creator_id == creator_id,
            LedgerEntry.account.in_(
                [LedgerAccount.CREATOR.value, LedgerAccount.PAYOUTS_IN_TRANSIT.value]
            ),
        )
        .group_by(LedgerEntry.currency)
        .order_by(LedgerEntry.currency)
    )
    return [CreatorSums(c, int(b), int(r), int(t)) for c, b, r, t in rows]


def creator_entries_query(
    creator_id: uuid.UUID,
    account: LedgerAccount,
    before: tuple[datetime, int] | None,
    limit: int,
) -> Select[LedgerEntry, LedgerTransaction]:
    """A creator account's entries, newest first, from ``ix_ledger_entries_creator_account
    (creator_id, account, created_at, id)``, each with its transaction (a primary key lookup
    per row): O(page) rows."""
    query = (
        select(LedgerEntry, LedgerTransaction)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerEntry.creator_id == creator_id, LedgerEntry.account == account.value)
        .order_by(LedgerEntry.created_at.desc(), LedgerEntry.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(after_key((LedgerEntry.created_at, LedgerEntry.id), before))
    return query


def account_entries_query(
    account: LedgerAccount, before_id: int | None, limit: int
) -> Select[LedgerEntry, LedgerTransaction]:
    """All entries of one account (all creators together for the creator accounts), newest
    first, from ``ix_ledger_entries_account_id (account, id)``: O(page) rows. (For an account
    holding most entries the planner may walk the primary key backwards instead, filtering:
    still about a page of rows, since nearly every row it meets belongs.)"""
    query = (
        select(LedgerEntry, LedgerTransaction)
        .join(LedgerTransaction, LedgerTransaction.id == LedgerEntry.transaction_id)
        .where(LedgerEntry.account == account.value)
        .order_by(LedgerEntry.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        query = query.where(LedgerEntry.id < before_id)
    return query
