"""The upgrade request and what it answers."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field

from pickey_core.models import Payment, PaymentState


class UpgradeCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier_id: uuid.UUID = Field(description="A dearer open tier of the same creator.")


class UpgradeRead(BaseModel):
    payment_id: uuid.UUID = Field(
        description="Follow it with GET /payments/v1/payments/{id}: paid → the new tier is yours; "
        "failed → you keep the old one."
    )
    membership_id: uuid.UUID
    tier_id: uuid.UUID
    state: PaymentState
    amount: int = Field(
        description="The prorated difference for the rest of the period, in "
        "minor units (see the proration rule in the README)."
    )
    currency: str

    @classmethod
    def from_payment(cls, payment: Payment) -> UpgradeRead:
        assert payment.membership_id is not None
        assert payment.tier_id is not None
        return cls(
            payment_id=payment.id,
            membership_id=payment.membership_id,
            tier_id=payment.tier_id,
            state=payment.state,
            amount=payment.amount,
            currency=payment.currency,
        )
