"""The analytics job's reads: one month of history and ledger for every creator at once, each
through an index on time (``ix_membership_events_occurred``, ``ix_ledger_transactions_created``),
so a run costs O(what happened in the month), not O(everything ever)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import String, cast, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    CreatorMonthlyStats,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    MembershipEvent,
    MembershipEventKind,
    Payment,
    PaymentKind,
    TransactionKind,
)

Key = tuple[uuid.UUID, str]  # creator, currency


@dataclass
class Movement:
    new_members: int = 0
    churned: int = 0
    mrr_delta: int = 0


@dataclass(frozen=True)
class Money:
    creator_id: uuid.UUID
    currency: str
    kind: PaymentKind
    tier_id: uuid.UUID | None
    gross: int
    refunds: int


async def movements(session: AsyncSession, start: datetime, end: datetime) -> dict[Key, Movement]:
    """Started and lapsed memberships and the MRR change of the month, per creator and currency."""
    E = MembershipEvent
    rows = await session.execute(
        select(
            E.creator_id,
            E.currency,
            func.count().filter(E.kind == MembershipEventKind.STARTED),
            func.count().filter(E.kind == MembershipEventKind.LAPSED),
            func.sum(E.mrr_delta),
        )
        .where(E.occurred_at >= start, E.occurred_at < end)
        .group_by(E.creator_id, E.currency)
    )
    return {
        (creator, currency): Movement(int(new), int(lapsed), int(delta))
        for creator, currency, new, lapsed, delta in rows
    }


async def cancellations(
    session: AsyncSession, start: datetime, end: datetime
) -> dict[tuple[uuid.UUID, str], int]:
    """Cancellations of the month per creator and reason (``none`` when no reason was given)."""
    E = MembershipEvent
    reason = func.coalesce(cast(E.reason, String), "none")
    rows = await session.execute(
        select(E.creator_id, reason, func.count())
        .where(
            E.occurred_at >= start,
            E.occurred_at < end,
            E.kind == MembershipEventKind.CANCELLED,
        )
        .group_by(E.creator_id, reason)
    )
    return {(creator, str(why)): int(count) for creator, why, count in rows}


async def money(session: AsyncSession, start: datetime, end: datetime) -> list[Money]:
    """Money booked in the month, per creator, currency, payment kind and tier: the gross fans
    paid (what gateway clearing was debited) and refunds net of released ones (what the refunds
    account was credited by reservations and debited by releases)."""
    T, L, P = LedgerTransaction, LedgerEntry, Payment
    paid = (L.account == LedgerAccount.GATEWAY_CLEARING) & (T.kind == TransactionKind.PAYMENT)
    refunded = (L.account == LedgerAccount.REFUNDS) & T.kind.in_(
        [TransactionKind.REFUND_RESERVED, TransactionKind.REFUND_RELEASED]
    )
    rows = await session.execute(
        select(
            T.creator_id,
            L.currency,
            P.kind,
            P.tier_id,
            func.coalesce(func.sum(-L.amount).filter(paid), 0),
            func.coalesce(func.sum(L.amount).filter(refunded), 0),
        )
        .join(L, L.transaction_id == T.id)
        .join(P, P.id == T.payment_id)
        .where(T.created_at >= start, T.created_at < end, paid | refunded)
        .group_by(T.creator_id, L.currency, P.kind, P.tier_id)
    )
    found = []
    for creator, currency, kind, tier, gross, refunds in rows:
        assert creator is not None  # payment and refund bookings always name the creator
        found.append(Money(creator, currency, kind, tier, int(gross), int(refunds)))
    return found


async def stats_of_month(session: AsyncSession, month: date) -> dict[Key, CreatorMonthlyStats]:
    rows = await session.scalars(
        select(CreatorMonthlyStats).where(CreatorMonthlyStats.month == month)
    )
    return {(row.creator_id, row.currency): row for row in rows}


async def last_final_month(session: AsyncSession) -> date | None:
    return await session.scalar(
        select(func.max(CreatorMonthlyStats.month)).where(CreatorMonthlyStats.final.is_(True))
    )


async def first_activity(session: AsyncSession) -> datetime | None:
    """When the history or the ledger begins (each read from the start of its time index)."""
    first_event = await session.scalar(select(func.min(MembershipEvent.occurred_at)))
    first_money = await session.scalar(select(func.min(LedgerTransaction.created_at)))
    moments = [moment for moment in (first_event, first_money) if moment is not None]
    return min(moments) if moments else None
