"""Queries on a fan's payments."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Payment


async def own(session: AsyncSession, fan_id: uuid.UUID, payment_id: uuid.UUID) -> Payment | None:
    return await session.scalar(
        select(Payment).where(Payment.id == payment_id, Payment.fan_id == fan_id)
    )
