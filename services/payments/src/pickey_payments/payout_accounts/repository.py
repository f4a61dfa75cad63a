"""Payout accounts: rows are history, the newest one is the account in use."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import PayoutAccount


async def current(session: AsyncSession, creator_id: uuid.UUID) -> PayoutAccount | None:
    return await session.scalar(
        select(PayoutAccount)
        .where(PayoutAccount.creator_id == creator_id)
        .order_by(PayoutAccount.created_at.desc(), PayoutAccount.id.desc())
        .limit(1)
    )
