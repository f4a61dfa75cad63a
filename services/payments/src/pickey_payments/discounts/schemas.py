"""Request and response bodies of discount codes.

A code is 3 to 32 letters, digits, ``-`` or ``_``; it is matched case-insensitively (stored and
shown upper case), so "leto" typed by a fan finds "LETO".
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pickey_core.models import DiscountCode, DiscountKind, PaymentDiscount

CODE_PATTERN = r"^[A-Za-z0-9_-]{3,32}$"


def _upper(value: str) -> str:
    return value.upper()


Code = Annotated[str, Field(pattern=CODE_PATTERN), AfterValidator(_upper)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PercentOff(_Request):
    kind: Literal["percent"]
    percent_off: int = Field(strict=True, ge=1, le=99)


class AmountOff(_Request):
    kind: Literal["fixed"]
    amount_off: int = Field(strict=True, gt=0, le=10_000_000, description="Minor units.")
    currency: Literal["CZK", "EUR"]


class DiscountCodeCreate(_Request):
    code: Code
    discount: PercentOff | AmountOff = Field(discriminator="kind")
    duration_periods: int | None = Field(
        default=None,
        strict=True,
        ge=1,
        le=120,
        description="Paid periods discounted, the first payment included; null: every period.",
    )
    max_redemptions: int | None = Field(
        default=None, strict=True, ge=1, le=1_000_000, description="Null: no limit."
    )
    expires_at: datetime | None = Field(
        default=None, description="After this no one may redeem it (uses already made go on)."
    )
    tier_ids: list[uuid.UUID] | None = Field(
        default=None, min_length=1, max_length=50, description="Null: every tier."
    )


class DiscountCodeRead(BaseModel):
    id: uuid.UUID
    code: str
    kind: DiscountKind
    percent_off: int | None
    amount_off: int | None
    currency: str | None
    duration_periods: int | None
    max_redemptions: int | None
    redemptions_count: int
    expires_at: datetime | None
    tier_ids: list[uuid.UUID] | None
    disabled_at: datetime | None
    created_at: datetime

    @classmethod
    def of(cls, code: DiscountCode) -> DiscountCodeRead:
        return cls(
            id=code.id,
            code=code.code,
            kind=code.kind,
            percent_off=code.percent_off,
            amount_off=code.amount_off,
            currency=code.currency,
            duration_periods=code.duration_periods,
            max_redemptions=code.max_redemptions,
            redemptions_count=code.redemptions_count,
            expires_at=code.expires_at,
            tier_ids=code.tier_ids,
            disabled_at=code.disabled_at,
            created_at=code.created_at,
        )


class AppliedDiscount(BaseModel):
    """A discount on one payment: ``list_amount - discount_amount`` is what was charged."""

    code: str
    list_amount: int = Field(description="The tier's price, minor units.")
    discount_amount: int = Field(description="Taken off, minor units.")

    @classmethod
    def of(cls, applied: PaymentDiscount, code: DiscountCode) -> AppliedDiscount:
        return cls(
            code=code.code,
            list_amount=applied.list_amount,
            discount_amount=applied.discount_amount,
        )
