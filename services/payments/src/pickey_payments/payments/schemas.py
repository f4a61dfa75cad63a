"""What a fan sees of a payment. Gateway codes stay inside; ``outcome`` is what the SPA shows."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from pickey_core.models import Payment, PaymentKind, PaymentState
from pickey_payments.refunds.schemas import RefundRead

SpaOutcome = Literal["paid", "failed", "cancelled", "pending"]

_OUTCOMES: dict[PaymentState, SpaOutcome] = {
    PaymentState.PAID: "paid",
    PaymentState.FAILED: "failed",
    PaymentState.CANCELLED: "cancelled",
}


def spa_outcome(state: PaymentState) -> SpaOutcome:
    """``pending`` until the payment is settled (created, at the gateway, or being checked)."""
    return _OUTCOMES.get(state, "pending")


class PaymentRead(BaseModel):
    id: uuid.UUID
    order_number: str
    kind: PaymentKind
    state: PaymentState
    outcome: SpaOutcome = Field(description="paid, failed, cancelled, or pending until settled.")
    amount: int = Field(description="Minor units (haléře, cents).")
    currency: str
    creator_id: uuid.UUID
    tier_id: uuid.UUID | None
    post_id: uuid.UUID | None
    membership_id: uuid.UUID | None
    created_at: datetime
    paid_at: datetime | None

    @classmethod
    def from_payment(cls, payment: Payment) -> PaymentRead:
        return cls(
            id=payment.id,
            order_number=payment.order_number,
            kind=payment.kind,
            state=payment.state,
            outcome=spa_outcome(payment.state),
            amount=payment.amount,
            currency=payment.currency,
            creator_id=payment.creator_id,
            tier_id=payment.tier_id,
            post_id=payment.post_id,
            membership_id=payment.membership_id,
            created_at=payment.created_at,
            paid_at=payment.paid_at,
        )


class PaymentListItem(PaymentRead):
    """A payment in the fan's list: what it bought, from whom, and its refunds."""

    creator_name: str
    creator_slug: str
    tier_name: str | None
    post_title: str | None
    receipt_number: str | None = Field(description="Paid payments: the receipt's number.")
    refunds: list[RefundRead]
    refunded: int = Field(description="Minor units that came back (succeeded refunds).")
