"""What a creator sees of a member."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, Field

from pickey_core.models import MembershipStatus


class MemberRead(BaseModel):
    membership_id: uuid.UUID
    fan_id: uuid.UUID
    display_name: str
    email: str | None = Field(
        description="Only when the fan agreed to share their address with creators."
    )
    tier_id: uuid.UUID
    tier_name: str
    status: MembershipStatus
    cancel_at_period_end: bool = Field(description="Cancelled: ends at current_period_end.")
    since: datetime = Field(description="When the membership started.")
    next_renewal_at: datetime | None = Field(
        description="When the next charge is due; null when it will not renew (cancelled, lapsed)."
    )
    lifetime_paid: int = Field(
        description="What the fan paid this creator in all (memberships, tips, unlocks) minus "
        "refunds, in minor units of currency."
    )
    currency: str
