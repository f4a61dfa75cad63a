"""What a fan sees of their memberships, and the tier-change request."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pickey_core.models import BillingInterval, CancellationReason, Membership, MembershipStatus
from pickey_core.models.analytics import CANCELLATION_TEXT_MAX_LENGTH
from pickey_core.text import Storable


class MembershipRead(BaseModel):
    id: uuid.UUID
    creator_id: uuid.UUID
    tier_id: uuid.UUID
    next_tier_id: uuid.UUID | None = Field(
        description="The tier charged and granted from the next renewal on (a pending change)."
    )
    status: MembershipStatus
    billing_interval: BillingInterval = Field(description="Each renewal charges this period.")
    trial: bool = Field(
        description="The current period is a free trial: pay by checkout before it ends to stay."
    )
    current_period_start: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool = Field(description="Ends at current_period_end; resume undoes it.")
    requires_manual_payment: bool = Field(
        description="The card cannot be charged automatically: pay by hand (a new membership "
        "checkout for this creator) before the grace period ends."
    )
    next_retry_at: datetime | None = Field(
        description="After a failed renewal: when the next charge (or the lapse) is due."
    )
    created_at: datetime

    @classmethod
    def from_membership(cls, membership: Membership) -> MembershipRead:
        return cls(
            id=membership.id,
            creator_id=membership.creator_id,
            tier_id=membership.tier_id,
            next_tier_id=membership.next_tier_id,
            status=membership.status,
            billing_interval=membership.billing_interval,
            trial=membership.trial,
            current_period_start=membership.current_period_start,
            current_period_end=membership.current_period_end,
            cancel_at_period_end=membership.cancel_at_period_end,
            requires_manual_payment=membership.requires_manual_payment,
            next_retry_at=membership.next_retry_at,
            created_at=membership.created_at,
        )


class TierChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier_id: uuid.UUID = Field(
        description="Another open tier of the same creator; the current tier cancels a pending "
        "change."
    )


class Cancellation(BaseModel):
    """Why the fan leaves (optional): one reason from the list, and a few words if they like.
    The creator sees the counts per reason in their analytics."""

    model_config = ConfigDict(extra="forbid")

    reason: CancellationReason | None = None
    reason_text: Annotated[str, Storable] | None = Field(
        default=None,
        max_length=CANCELLATION_TEXT_MAX_LENGTH,
        description="Free text beside a reason (trimmed; blank means none).",
    )

    @model_validator(mode="after")
    def _text_needs_a_reason(self) -> Cancellation:
        if self.reason_text is not None:
            self.reason_text = self.reason_text.strip() or None
        if self.reason_text is not None and self.reason is None:
            raise ValueError("reason_text needs a reason (pick 'other' for anything else)")
        return self
