"""Monthly rows of one creator in a range of months: three primary-key range scans, so the
dashboard reads O(months) rows (times tiers and reasons) whatever the number of fans."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    CreatorMonthlyCancellations,
    CreatorMonthlyStats,
    CreatorMonthlyTierRevenue,
)


def months_query(creator_id: uuid.UUID, first: date, last: date) -> Select[Any]:
    S = CreatorMonthlyStats
    return (
        select(S)
        .where(S.creator_id == creator_id, S.month >= first, S.month <= last)
        .order_by(S.month, S.currency)
    )


def tier_revenue_query(creator_id: uuid.UUID, first: date, last: date) -> Select[Any]:
    R = CreatorMonthlyTierRevenue
    return (
        select(R)
        .where(R.creator_id == creator_id, R.month >= first, R.month <= last)
        .order_by(R.month, R.currency, R.tier_id)
    )


def cancellations_query(creator_id: uuid.UUID, first: date, last: date) -> Select[Any]:
    C = CreatorMonthlyCancellations
    return (
        select(C)
        .where(C.creator_id == creator_id, C.month >= first, C.month <= last)
        .order_by(C.month, C.reason)
    )


async def months(
    session: AsyncSession, creator_id: uuid.UUID, first: date, last: date
) -> Sequence[CreatorMonthlyStats]:
    return (await session.scalars(months_query(creator_id, first, last))).all()


async def tier_revenue(
    session: AsyncSession, creator_id: uuid.UUID, first: date, last: date
) -> Sequence[CreatorMonthlyTierRevenue]:
    return (await session.scalars(tier_revenue_query(creator_id, first, last))).all()


async def cancellations(
    session: AsyncSession, creator_id: uuid.UUID, first: date, last: date
) -> Sequence[CreatorMonthlyCancellations]:
    return (await session.scalars(cancellations_query(creator_id, first, last))).all()
