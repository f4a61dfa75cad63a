"""``/api/v1/creators/me/analytics``: the creator's income month by month."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Annotated

from fastapi import APIRouter, Query

from pickey_api.analytics import service
from pickey_api.analytics.schemas import Analytics
from pickey_core.errors import InvalidInput, NotAuthenticated, error_responses
from pickey_core.http.creators import CurrentCreator, NotACreator
from pickey_core.http.dependencies import SessionDep

router = APIRouter(prefix="/creators/me/analytics", tags=["analytics"])

MAX_MONTHS = 36
MONTH = r"^[1-9]\d{3}-(0[1-9]|1[0-2])$"  # years 1000-9999: month arithmetic stays in dates


class InvalidMonthRange(InvalidInput):
    code = "invalid_month_range"


def _month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def _months_between(first: date, last: date) -> int:
    return (last.year - first.year) * 12 + last.month - first.month + 1


@router.get(
    "",
    response_model=Analytics,
    responses=error_responses(NotAuthenticated, NotACreator, InvalidMonthRange),
    summary="Your members and income per month: MRR, active, new, churned, churn rate, revenue "
    "per tier, tips, unlocks, cancellation reasons",
)
async def analytics(
    creator: CurrentCreator,
    session: SessionDep,
    since: Annotated[
        str | None,
        Query(pattern=MONTH, description="First month, YYYY-MM (default: 11 before `until`)."),
    ] = None,
    until: Annotated[
        str | None, Query(pattern=MONTH, description="Last month, YYYY-MM (default: this month).")
    ] = None,
) -> Analytics:
    now = datetime.now(UTC)
    last = _month(until) if until else date(now.year, now.month, 1)
    first = _month(since) if since else _months_before(last, 11)
    span = _months_between(first, last)
    if span < 1 or span > MAX_MONTHS:
        raise InvalidMonthRange(f"Ask for 1 to {MAX_MONTHS} months, since before until.")
    return await service.dashboard(session, creator.id, first, last)
