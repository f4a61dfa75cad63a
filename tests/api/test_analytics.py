"""The creator's dashboard: the monthly rows the payments worker wrote, with churn rate derived,
tiers and reasons attached, in the asked range only."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pickey_core.models import (
    CreatorMonthlyCancellations,
    CreatorMonthlyStats,
    CreatorMonthlyTierRevenue,
    User,
)
from pickey_core.resources import Resources
from tests.support import factories
from tests.support.api_users import UserFactory

COMPUTED = datetime(2026, 12, 1, 1, tzinfo=UTC)


def _stats(creator_id: object, month: date, **figures: int) -> CreatorMonthlyStats:
    values = dict.fromkeys(
        ["active_start", "active_end", "new_members", "churned", "mrr_start", "mrr_end",
         "membership_revenue", "tips", "unlocks", "refunds"], 0,
    ) | figures  # fmt: skip
    return CreatorMonthlyStats(
        creator_id=creator_id,
        month=month,
        currency="CZK",
        final=True,
        computed_at=COMPUTED,
        **values,
    )


async def test_months_in_range_with_churn_rate_tiers_and_reasons(
    make_user: UserFactory, api_resources: Resources
) -> None:
    owner = await make_user()
    async with api_resources.unit_of_work() as session:
        user = await session.get(User, owner.id)
        assert user is not None
        creator = await factories.creator(session, user)
        tier = await factories.tier(session, creator, 9900)
        other = await factories.creator(session)
        session.add_all(
            [
                _stats(creator.id, date(2026, 9, 1), active_end=3, new_members=3, mrr_end=29800),
                _stats(creator.id, date(2026, 10, 1), active_start=3, active_end=3,
                       new_members=1, churned=1, mrr_start=29800, mrr_end=19800,
                       membership_revenue=25700, tips=5000, unlocks=4900, refunds=2000),
                _stats(creator.id, date(2026, 11, 1), active_start=3, active_end=3),
                _stats(other.id, date(2026, 10, 1), active_start=99),
                CreatorMonthlyTierRevenue(creator_id=creator.id, month=date(2026, 10, 1),
                                          currency="CZK", tier_id=tier.id, gross=19800,
                                          refunds=2000),
                CreatorMonthlyCancellations(creator_id=creator.id, month=date(2026, 10, 1),
                                            reason="too_expensive", count=2),
                CreatorMonthlyCancellations(creator_id=creator.id, month=date(2026, 10, 1),
                                            reason="none", count=1),
            ]
        )  # fmt: skip

    answer = await owner.client.get(
        "/api/v1/creators/me/analytics", params={"since": "2026-09", "until": "2026-10"}
    )
    assert answer.status_code == 200, answer.text
    september, october = answer.json()["months"]
    assert (september["month"], september["churn_rate"], september["mrr_end"]) == (
        "2026-09-01",
        None,
        29800,
    )
    assert october == {
        "month": "2026-10-01",
        "currency": "CZK",
        "final": True,
        "computed_at": "2026-12-01T01:00:00Z",
        "active_start": 3,
        "active_end": 3,
        "new_members": 1,
        "churned": 1,
        "churn_rate": 0.3333,
        "mrr_start": 29800,
        "mrr_end": 19800,
        "membership_revenue": 25700,
        "tips": 5000,
        "unlocks": 4900,
        "refunds": 2000,
        "revenue_per_tier": [
            {"tier_id": str(tier.id), "gross": 19800, "refunds": 2000, "net": 17800}
        ],
        "cancellation_reasons": {"none": 1, "too_expensive": 2},
    }


async def test_bad_month_ranges(make_user: UserFactory, api_resources: Resources) -> None:
    owner = await make_user()
    async with api_resources.unit_of_work() as session:
        user = await session.get(User, owner.id)
        assert user is not None
        await factories.creator(session, user)
    default = await owner.client.get("/api/v1/creators/me/analytics")
    assert default.json() == {"months": []}
    cases = [
        ({"since": "2026-13"}, 422, "validation_error"),
        ({"until": "26-01"}, 422, "validation_error"),
        ({"until": "0000-01"}, 422, "validation_error"),
        ({"since": "0999-12", "until": "1000-01"}, 422, "validation_error"),
        ({"since": "2026-10", "until": "2026-09"}, 422, "invalid_month_range"),
        ({"since": "2020-01", "until": "2026-09"}, 422, "invalid_month_range"),
    ]
    for params, status, code in cases:
        answer = await owner.client.get("/api/v1/creators/me/analytics", params=params)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), params
