"""Queries on refunds (owned by payments)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator, Payment, Refund, RefundState
from pickey_core.pagination import after_key

IN_FLIGHT = (RefundState.PENDING.value, RefundState.UNKNOWN.value)


async def lock(session: AsyncSession, refund_id: uuid.UUID) -> Refund | None:
    return await session.scalar(select(Refund).where(Refund.id == refund_id).with_for_update())


async def lock_payment(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    """The payment, locked: refunds of one payment are requested and sent one at a time."""
    return await session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())


async def creator_owner(session: AsyncSession, creator_id: uuid.UUID) -> uuid.UUID | None:
    """The user who owns the creator profile."""
    return await session.scalar(select(Creator.user_id).where(Creator.id == creator_id))


async def total(
    session: AsyncSession,
    payment_id: uuid.UUID,
    states: Sequence[RefundState],
    excluding: uuid.UUID | None = None,
) -> int:
    """Minor units of the payment's refunds in ``states`` (without ``excluding``)."""
    query = select(func.coalesce(func.sum(Refund.amount), 0)).where(
        Refund.payment_id == payment_id, Refund.state.in_([state.value for state in states])
    )
    if excluding is not None:
        query = query.where(Refund.id != excluding)
    return int(await session.scalar(query) or 0)


async def another_in_flight(
    session: AsyncSession, payment_id: uuid.UUID, refund_id: uuid.UUID
) -> bool:
    found = await session.scalar(
        select(Refund.id)
        .where(
            Refund.payment_id == payment_id,
            Refund.id != refund_id,
            Refund.state.in_(IN_FLIGHT),
        )
        .limit(1)
    )
    return found is not None


async def automatic_of(session: AsyncSession, payment_id: uuid.UUID) -> Refund | None:
    return await session.scalar(
        select(Refund).where(Refund.payment_id == payment_id, Refund.automatic.is_(True)).limit(1)
    )


async def of_payments(session: AsyncSession, payment_ids: Sequence[uuid.UUID]) -> list[Refund]:
    """Every refund of these payments, oldest first (uses ix_refunds_payment)."""
    if not payment_ids:
        return []
    rows = await session.scalars(
        select(Refund)
        .where(Refund.payment_id.in_(payment_ids))
        .order_by(Refund.created_at, Refund.id)
    )
    return list(rows)


def page_of_creator_query(
    creator_id: uuid.UUID, before: tuple[datetime, uuid.UUID] | None, limit: int
) -> Select[Refund]:
    """The creator's refunds, newest first, from ``ix_refunds_creator_created_id``: O(page)."""
    query = (
        select(Refund)
        .where(Refund.creator_id == creator_id)
        .order_by(Refund.created_at.desc(), Refund.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(after_key((Refund.created_at, Refund.id), before))
    return query
