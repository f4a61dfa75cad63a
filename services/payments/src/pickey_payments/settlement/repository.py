"""Queries that lock payments for settling."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Payment


async def lock_by_order_number(session: AsyncSession, order_number: str) -> Payment | None:
    """The payment with this gateway ORDERNUMBER, locked until the transaction ends: two returns
    of the same order (a refresh, a second tab) are settled one after the other."""
    return await session.scalar(
        select(Payment).where(Payment.order_number == order_number).with_for_update()
    )


async def lock(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    return await session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())
