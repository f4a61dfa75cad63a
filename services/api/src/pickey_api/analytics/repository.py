"""Monthly rows of one creator in a range of months: three primary-key range scans, so the
dashboard reads O(months) rows (times tiers and reasons) whatever the number of fans."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    CreatorMonthlyCancellations,
    CreatorMonthlyStats,
    CreatorMonthlyTierRevenue,
)


async def months(
    session: AsyncSession, creator_id: uuid.UUID, first: date, last: date
) -> Sequence[CreatorMonthlyStats]:
    S = CreatorMonthlyStats
    return (
        await session.scalars(
            select(S)
            .where(S.creator_id == creator_id, S.month >= first, S.month <= last)
            .order_by(S.month, S.currency)
        )
    ).all()


async def tier_revenue(
    session: AsyncSession, creator_id: uuid.UUID, first: date, last: date
) -> Sequence[CreatorMonthlyTierRevenue]:
    R = CreatorMonthlyTierRevenue
    return (
        await session.scalars(
            select(R)
            .where(R.creator_id == creator_id, R.month >= first, R.month <= last)
            .order_by(R.month, R.currency, R.tier_id)
        )
    ).all()


async def cancellations(
    session: AsyncSession, creator_id: uuid.UUID, first: date, last: date
) -> Sequence[CreatorMonthlyCancellations]:
    C = CreatorMonthlyCancellations
    return (
        await session.scalars(
            select(C)
            .where(C.creator_id == creator_id, C.month >= first, C.month <= last)
            .order_by(C.month, C.reason)
        )
    ).all()
