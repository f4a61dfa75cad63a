"""The operator's anomaly report."""

from __future__ import annotations

import uuid

from pydantic import BaseModel


class NegativeBalance(BaseModel):
    creator_id: uuid.UUID
    currency: str
    balance: int


class AnomalyReport(BaseModel):
    negative_balances: list[NegativeBalance]
    paid_payments_not_booked: list[uuid.UUID]
    refunds_unsettled_over_an_hour: list[uuid.UUID]
    payout_batches_open_over_a_week: list[uuid.UUID]
