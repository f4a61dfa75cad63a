"""Bodies of the payout endpoints (operator and creator)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from pickey_core.models import Payout, PayoutBatch, PayoutBatchState


class PayoutBatchRead(BaseModel):
    id: uuid.UUID
    period: str
    state: PayoutBatchState
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, batch: PayoutBatch) -> PayoutBatchRead:
        return cls(
            id=batch.id,
            period=batch.period,
            state=batch.state,
            created_at=batch.created_at,
            updated_at=batch.updated_at,
        )


class CurrencyTotal(BaseModel):
    currency: str
    payouts: int
    amount: int


class PayoutBatchDetail(PayoutBatchRead):
    totals: list[CurrencyTotal]


class BatchStateChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    state: Literal["sent", "paid", "failed"]


class PayoutRead(BaseModel):
    id: uuid.UUID
    batch_id: uuid.UUID
    amount: int
    currency: str
    state: PayoutBatchState
    statement_number: str | None
    created_at: datetime

    @classmethod
    def of(cls, payout: Payout) -> PayoutRead:
        return cls(
            id=payout.id,
            batch_id=payout.batch_id,
            amount=payout.amount,
            currency=payout.currency,
            state=payout.state,
            statement_number=payout.statement_number,
            created_at=payout.created_at,
        )
