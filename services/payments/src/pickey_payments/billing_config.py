"""When renewals are charged, retried and given up, and when unsettled payments are checked
(``PICKEY_BILLING__...``).

Defaults follow what fans of a monthly membership expect and what the gateway allows:

- A failed renewal is retried 1, 3 and 7 days after the period ended; access continues meanwhile
  (``past_due``); after the last failure the membership lapses. A card that can no longer be
  charged automatically (PRCODE 33/34/85/86) is not retried: the fan is asked to pay by hand and
  the membership lapses when the last retry day passes unpaid.
- GP webpay says a payment's status is final 60 minutes after the redirect, so a checkout left
  without a return is asked about after 15 minutes (it may already be settled) and, if the
  gateway still has no result 2 hours after it was created, it is cancelled as abandoned.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pickey_payments.ledger.config import MoneyConfig


class BillingConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    renewal_retry_days: list[int] = Field(
        default_factory=lambda: [1, 3, 7],
        min_length=1,
        max_length=10,
        description="Days after the period end on which a failed renewal is charged again "
        "(increasing); after the last one fails the membership lapses.",
    )
    renewal_reminder_days: int = Field(
        default=3,
        ge=0,
        le=14,
        description="Days before a renewal that the fan is reminded of it (0 turns reminders off).",
    )
    yearly_reminder_days: int = Field(
        default=30,
        ge=0,
        le=60,
        description="Days before a yearly renewal that the fan is reminded of it: a year's price "
        "is a large charge a fan may have forgotten agreeing to, so they hear of it a month "
        "ahead, in time to cancel (0 turns them off).",
    )
    renewal_every_seconds: int = Field(
        default=60, ge=1, le=60, description="How often the renewal job runs; must divide 60."
    )
    renewal_batch_size: int = Field(
        default=50, ge=1, le=1000, description="Memberships the renewal job picks per round."
    )
    charge_lease_seconds: int = Field(
        default=120,
        ge=1,
        description="After a renewal charge is sent, other workers leave it alone this long; "
        "then they ask the gateway for its status instead of charging again. Keep it above "
        "PICKEY_GPWEBPAY__WS_TIMEOUT_SECONDS.",
    )
    reconcile_after_seconds: int = Field(
        default=900,
        ge=0,
        description="A checkout with no return this long after it was created is asked about.",
    )
    recheck_every_seconds: int = Field(
        default=600, ge=1, description="How often one unsettled payment is asked about again."
    )
    abandon_after_seconds: int = Field(
        default=7200,
        ge=3600,
        description="A checkout the gateway has no final result for this long after creation "
        "is cancelled as abandoned (the gateway's result is final after 60 minutes).",
    )
    reconcile_every_seconds: int = Field(
        default=60,
        ge=1,
        le=60,
        description="How often the reconciliation job runs; must divide 60.",
    )

    refund_window_days: int = Field(
        default=30,
        ge=0,
        le=365,
        description="Days after a payment during which its creator may refund it from the "
        "dashboard (operators may refund any time); 0 leaves refunds to operators.",
    )
    money: MoneyConfig = Field(
        default_factory=MoneyConfig,
        description="VAT, fees, hold and payouts (pickey_payments.ledger.config).",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        days = self.renewal_retry_days
        if any(day <= 0 for day in days) or days != sorted(set(days)):
            raise ValueError("renewal_retry_days must be positive and increasing, e.g. [1, 3, 7]")
        for name in ("renewal_every_seconds", "reconcile_every_seconds"):
            if 60 % getattr(self, name):
                raise ValueError(f"{name} must divide 60")
        return self

    @property
    def grace(self) -> timedelta:
        """How long after the period end a past-due membership keeps access at most."""
        return timedelta(days=self.renewal_retry_days[-1])
