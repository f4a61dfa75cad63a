"""Request and response bodies of the payout account endpoints."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from pickey_core.models import PayoutAccount


class PayoutAccountUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account: str = Field(
        min_length=1,
        max_length=64,
        description="An IBAN (SEPA zone) or a Czech account `prefix-number/bank`, e.g. "
        "`19-2000145399/0800`; stored as the IBAN.",
    )
    holder_name: str = Field(
        min_length=1, max_length=70, description="The account holder, as the bank knows them."
    )
    password: str = Field(
        min_length=1, max_length=1024, description="Your current password, asked again."
    )


class PayoutAccountRead(BaseModel):
    iban: str
    holder_name: str
    created_at: datetime

    @classmethod
    def of(cls, account: PayoutAccount) -> PayoutAccountRead:
        return cls(
            iban=account.iban, holder_name=account.holder_name, created_at=account.created_at
        )
