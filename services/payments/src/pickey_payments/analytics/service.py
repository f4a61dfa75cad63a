"""The creator's monthly figures, written once per month and never changed after it closes.

**Definitions** (per creator, per currency, per calendar month in UTC; money in minor units):

- *active members* at an instant: memberships held then (``active`` or ``past_due``; a
  cancelled one is held until its period ends). ``active_start`` is the count at the month's
  first instant, ``active_end`` at its last: ``active_end = active_start + new - churned``.
- *new*: memberships that started in the month (a first payment; a fan who comes back after a
  lapse is new again). *churned*: memberships that lapsed in the month (after a cancel, failed
  renewals, a refund that ended access, or an account deletion).
- *churn rate* = churned / active_start (undefined when the month began with no members).
- *MRR* (monthly recurring revenue) at an instant: the sum of the monthly prices of the held
  memberships that will renew (not cancelled at period end; past-due ones count, they are being
  retried). ``mrr_end`` is MRR at the month's last instant. It is the running sum of the
  history's ``mrr_delta`` (see :mod:`pickey_payments.membership_history.service`).
- *revenue*: the gross fans paid in the month, from the ledger (gateway clearing debits of paid
  payments), split into memberships (first payments and renewals, also per tier), tips and
  unlocks; *refunds*: refunds reserved in the month minus those released (the gateway refused
  them), per tier for memberships.

Only events and ledger rows *recorded* in a month count for it, and both are append-only with
the time of recording; so once a month has ended (plus :data:`CLOSE_AFTER`, for transactions
still committing at midnight) its rows are marked ``final`` and never recomputed. Each month
starts from the previous month's ending figures, so a run reads one month of history, never
the whole of it. The current month is recomputed on every run (the dashboard says when).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    CreatorMonthlyCancellations,
    CreatorMonthlyStats,
    CreatorMonthlyTierRevenue,
    PaymentKind,
)
from pickey_payments.analytics import repository
from pickey_payments.analytics.months import bounds, month_of, next_month, previous_month
from pickey_payments.analytics.repository import Key

# A month is closed this long after it ended: a transaction that began before midnight has
# committed by then (our transactions last seconds).
CLOSE_AFTER = timedelta(hours=1)

# Money paid for a tier: first payments, renewals, the prorated part of an upgrade, and gift
# memberships (months of a tier bought for someone else).
MEMBERSHIP_KINDS = frozenset(
    {PaymentKind.MEMBERSHIP, PaymentKind.RENEWAL, PaymentKind.UPGRADE, PaymentKind.GIFT}
)


@dataclass
class _Figures:
    active_start: int = 0
    new_members: int = 0
    churned: int = 0
    mrr_start: int = 0
    mrr_delta: int = 0
    membership_revenue: int = 0
    tips: int = 0
    unlocks: int = 0
    refunds: int = 0

    @property
    def carried(self) -> bool:
        """Whether anything makes this creator's month worth a row."""
        return any(vars(self).values())


async def compute_month(session: AsyncSession, month: date, now: datetime) -> int:
    """Write every creator's rows of ``month`` (replacing unfinished ones); the number of
    creator rows. Flushes, never commits."""
    start, end = bounds(month)
    final = now >= end + CLOSE_AFTER
    figures: dict[Key, _Figures] = {}
    for key, before in (await repository.stats_of_month(session, previous_month(month))).items():
        if before.active_end or before.mrr_end:
            figures[key] = _Figures(active_start=before.active_end, mrr_start=before.mrr_end)
    for key, moved in (await repository.movements(session, start, end)).items():
        row = figures.setdefault(key, _Figures())
        row.new_members, row.churned, row.mrr_delta = (
            moved.new_members,
            moved.churned,
            moved.mrr_delta,
        )
    tiers: dict[tuple[uuid.UUID, str, uuid.UUID], list[int]] = {}
    for item in await repository.money(session, start, end):
        row = figures.setdefault((item.creator_id, item.currency), _Figures())
        row.refunds += item.refunds
        if item.kind in MEMBERSHIP_KINDS:
            row.membership_revenue += item.gross
            if item.tier_id is not None:
                sums = tiers.setdefault((item.creator_id, item.currency, item.tier_id), [0, 0])
                sums[0] += item.gross
                sums[1] += item.refunds
        elif item.kind is PaymentKind.TIP:
            row.tips += item.gross
        elif item.kind is PaymentKind.UNLOCK:
            row.unlocks += item.gross
    reasons = await repository.cancellations(session, start, end)

    for table in (CreatorMonthlyStats, CreatorMonthlyTierRevenue, CreatorMonthlyCancellations):
        await session.execute(delete(table).where(table.month == month))
    rows = [
        {
            "creator_id": creator_id,
            "month": month,
            "currency": currency,
            "active_start": row.active_start,
            "active_end": row.active_start + row.new_members - row.churned,
            "new_members": row.new_members,
            "churned": row.churned,
            "mrr_start": row.mrr_start,
            "mrr_end": row.mrr_start + row.mrr_delta,
            "membership_revenue": row.membership_revenue,
            "tips": row.tips,
            "unlocks": row.unlocks,
            "refunds": row.refunds,
            "final": final,
            "computed_at": now,
        }
        for (creator_id, currency), row in figures.items()
        if row.carried
    ]
    for chunk in _chunks(rows):
        await session.execute(insert(CreatorMonthlyStats).values(chunk))
    tier_rows = [
        {
            "creator_id": creator_id,
            "month": month,
            "currency": currency,
            "tier_id": tier_id,
            "gross": gross,
            "refunds": refunds,
        }
        for (creator_id, currency, tier_id), (gross, refunds) in tiers.items()
    ]
    for chunk in _chunks(tier_rows):
        await session.execute(insert(CreatorMonthlyTierRevenue).values(chunk))
    reason_rows = [
        {"creator_id": creator_id, "month": month, "reason": reason, "count": count}
        for (creator_id, reason), count in reasons.items()
    ]
    for chunk in _chunks(reason_rows):
        await session.execute(insert(CreatorMonthlyCancellations).values(chunk))
    await session.flush()
    return len(rows)


def _chunks(rows: list[dict[str, object]], size: int = 1000) -> list[list[dict[str, object]]]:
    return [rows[index : index + size] for index in range(0, len(rows), size)]


async def months_to_compute(session: AsyncSession, now: datetime) -> list[date]:
    """Every month after the last closed one up to the current one (oldest first); from the
    first recorded activity when nothing was closed yet."""
    last_final = await repository.last_final_month(session)
    if last_final is not None:
        first = next_month(last_final)
    else:
        began = await repository.first_activity(session)
        if began is None:
            return []
        first = month_of(began)
    current = month_of(now)
    months = []
    while first <= current:
        months.append(first)
        first = next_month(first)
    return months
