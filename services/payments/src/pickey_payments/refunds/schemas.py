"""What a refund request carries and what is shown of a refund."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from pickey_core.models import Refund, RefundState


class RefundCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    amount: int | None = Field(
        default=None,
        gt=0,
        description="Minor units to give back; omitted: everything not refunded yet.",
    )
    reason: str = Field(default="", max_length=500, description="Shown to the fan.")
    ends_access: bool = Field(
        default=False,
        description="End the membership or unlock the payment bought when the refund succeeds.",
    )


class RefundRead(BaseModel):
    id: uuid.UUID
    payment_id: uuid.UUID
    amount: int = Field(description="Minor units (haléře, cents).")
    currency: str
    state: RefundState
    reason: str
    ends_access: bool
    automatic: bool = Field(description="Made by the platform (a double payment), not a person.")
    created_at: datetime
    settled_at: datetime | None

    @classmethod
    def from_refund(cls, refund: Refund) -> RefundRead:
        return cls(
            id=refund.id,
            payment_id=refund.payment_id,
            amount=refund.amount,
            currency=refund.currency,
            state=refund.state,
            reason=refund.reason,
            ends_access=refund.ends_access,
            automatic=refund.automatic,
            created_at=refund.created_at,
            settled_at=refund.settled_at,
        )
