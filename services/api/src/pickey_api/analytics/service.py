"""Assemble the dashboard from the monthly rows (no aggregate over fans, payments or ledger)."""

from __future__ import annotations

import uuid
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.analytics import repository
from pickey_api.analytics.schemas import Analytics, MonthFigures, TierRevenue


def churn_rate(churned: int, active_start: int) -> float | None:
    """Churned in the month / members at its start; None when it started with none."""
    return round(churned / active_start, 4) if active_start else None


async def dashboard(
    session: AsyncSession, creator_id: uuid.UUID, first: date, last: date
) -> Analytics:
    stats = await repository.months(session, creator_id, first, last)
    tiers: dict[tuple[date, str], list[TierRevenue]] = {}
    for row in await repository.tier_revenue(session, creator_id, first, last):
        tiers.setdefault((row.month, row.currency), []).append(
            TierRevenue(
                tier_id=row.tier_id,
                gross=row.gross,
                refunds=row.refunds,
                net=row.gross - row.refunds,
            )
        )
    reasons: dict[date, dict[str, int]] = {}
    for cancelled in await repository.cancellations(session, creator_id, first, last):
        reasons.setdefault(cancelled.month, {})[cancelled.reason] = cancelled.count
    return Analytics(
        months=[
            MonthFigures(
                month=row.month,
                currency=row.currency,
                final=row.final,
                computed_at=row.computed_at,
                active_start=row.active_start,
                active_end=row.active_end,
                new_members=row.new_members,
                churned=row.churned,
                churn_rate=churn_rate(row.churned, row.active_start),
                mrr_start=row.mrr_start,
                mrr_end=row.mrr_end,
                membership_revenue=row.membership_revenue,
                tips=row.tips,
                unlocks=row.unlocks,
                refunds=row.refunds,
                revenue_per_tier=tiers.get((row.month, row.currency), []),
                cancellation_reasons=reasons.get(row.month, {}),
            )
            for row in stats
        ]
    )
