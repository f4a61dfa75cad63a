"""The dashboard's figures. Money in minor units; definitions in the README (Analytics)."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from pydantic import BaseModel, Field


class TierRevenue(BaseModel):
    tier_id: uuid.UUID
    gross: int = Field(description="What fans paid for this tier in the month.")
    refunds: int = Field(description="Refunds of this tier's payments made in the month.")
    net: int


class MonthFigures(BaseModel):
    month: date = Field(description="The month's first day (calendar months in UTC).")
    currency: str
    final: bool = Field(description="The month has closed; its figures never change again.")
    computed_at: datetime
    active_start: int = Field(description="Members held at the month's first instant.")
    active_end: int = Field(description="Members held at the month's last instant.")
    new_members: int
    churned: int = Field(description="Memberships that ended in the month.")
    churn_rate: float | None = Field(
        description="churned / active_start, rounded to 4 decimals; null when the month began "
        "with no members."
    )
    mrr_start: int
    mrr_end: int = Field(
        description="Monthly recurring revenue at the month's end: monthly prices of held "
        "memberships that will renew."
    )
    membership_revenue: int
    tips: int
    unlocks: int
    refunds: int
    revenue_per_tier: list[TierRevenue]
    cancellation_reasons: dict[str, int] = Field(
        description="Cancellations in the month per reason (`none`: no reason given)."
    )


class Analytics(BaseModel):
    months: list[MonthFigures] = Field(
        description="Oldest first; a month with no members and no money has no entry."
    )
