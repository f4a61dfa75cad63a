"""Request and response bodies of gifts and comps."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, EmailStr, Field

from pickey_core.models import GrantKind, MembershipGrant


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class GiftRedeem(_Request):
    code: str = Field(min_length=1, max_length=32, description="The code from the gift e-mail.")


class CompCreate(_Request):
    fan_id: uuid.UUID = Field(description="The fan's user id (from your members list).")
    tier_id: uuid.UUID
    months: int = Field(strict=True, ge=1, le=12)


class GiftCheckoutFields(_Request):
    """The fields of a gift checkout (``kind: gift``)."""

    kind: Literal["gift"]
    tier_id: uuid.UUID
    months: Literal[1, 3, 12]
    recipient_email: EmailStr = Field(max_length=320)


class MembershipGrantRead(BaseModel):
    """Free months given to a membership: a redeemed gift or a comp."""

    id: uuid.UUID
    kind: GrantKind
    membership_id: uuid.UUID
    creator_id: uuid.UUID
    fan_id: uuid.UUID
    tier_id: uuid.UUID
    months: int
    period_end_before: datetime | None = Field(
        description="The membership's end before (null: a new membership)."
    )
    period_end_after: datetime
    created_at: datetime

    @classmethod
    def of(cls, grant: MembershipGrant) -> MembershipGrantRead:
        return cls(
            id=grant.id,
            kind=grant.kind,
            membership_id=grant.membership_id,
            creator_id=grant.creator_id,
            fan_id=grant.fan_id,
            tier_id=grant.tier_id,
            months=grant.months,
            period_end_before=grant.period_end_before,
            period_end_after=grant.period_end_after,
            created_at=grant.created_at,
        )
