"""Request and response bodies of the tier endpoints.

Requests forbid unknown fields, so a client cannot slip in ``creator_id``, ``position`` or
``archived_at``: position changes only through the reorder endpoint, archiving only through its
own endpoints, and the owner is always the caller's creator profile.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field

from pickey_core.models import Tier
from pickey_core.partial_update import PartialUpdate
from pickey_core.text import OneLine, Storable

NAME_MAX_LENGTH = 100
DESCRIPTION_MAX_LENGTH = 2000

Currency = Literal["CZK", "EUR"]


TierName = Annotated[str, Field(min_length=1, max_length=NAME_MAX_LENGTH), OneLine]
TierDescription = Annotated[str, Field(max_length=DESCRIPTION_MAX_LENGTH), Storable]
# Strict: "5900" or 59.0 is refused rather than guessed at; money is an integer of minor units.
PriceAmount = Annotated[
    int,
    Field(
        strict=True,
        description="Monthly price in minor units (haléře, cents): from 1000 to 10000000 for "
        "CZK (10 Kč to 100 000 Kč), from 100 to 500000 for EUR (1 € to 5 000 €).",
    ),
]
YearlyPriceAmount = Annotated[
    int,
    Field(
        strict=True,
        description="Price of a year paid at once, in minor units of the tier's currency: "
        "positive, at most twelve monthly prices (it is a discount for paying ahead) and at "
        "least the currency's lowest monthly price. Null: sold monthly only.",
    ),
]
TrialDays = Annotated[
    int,
    Field(
        strict=True,
        ge=1,
        le=90,
        description="Days a new member may try the tier free, once per fan and creator "
        "(1 to 90). Null: no trial.",
    ),
]
# Fields that may be set to null on update: null removes the yearly price or the trial.
NULLABLE_UPDATES = frozenset({"yearly_price_amount", "trial_days"})


class TierCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: TierName
    description: TierDescription = ""
    price_amount: PriceAmount
    currency: Currency = Field(
        description="Every tier of a creator has the same currency; the first tier picks it."
    )
    yearly_price_amount: YearlyPriceAmount | None = None
    trial_days: TrialDays | None = None


class TierUpdate(PartialUpdate):
    """Fields to change; absent fields stay as they are. The currency never changes."""

    nullable: ClassVar[frozenset[str]] = NULLABLE_UPDATES

    name: TierName | None = None
    description: TierDescription | None = None
    price_amount: PriceAmount | None = None
    yearly_price_amount: YearlyPriceAmount | None = None
    trial_days: TrialDays | None = None


class TierOrder(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier_ids: list[uuid.UUID] = Field(
        max_length=1000,
        description="Every non-archived tier of the creator, each once, in the order to show.",
    )


class TierRead(BaseModel):
    id: uuid.UUID
    name: str
    description: str
    price_amount: int = Field(description="Monthly price in minor units (haléře, cents).")
    currency: Currency
    yearly_price_amount: int | None = Field(
        description="Price of a year paid at once (minor units, same currency); null: monthly only."
    )
    trial_days: int | None = Field(description="Free trial days for new members; null: none.")
    position: int
    archived: bool = Field(description="Archived tiers take no new members; members stay.")
    archived_at: datetime | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_tier(cls, tier: Tier) -> TierRead:
        return cls(
            id=tier.id,
            name=tier.name,
            description=tier.description,
            price_amount=tier.price_amount,
            currency=tier.currency,
            yearly_price_amount=tier.yearly_price_amount,
            trial_days=tier.trial_days,
            position=tier.position,
            archived=tier.archived_at is not None,
            archived_at=tier.archived_at,
            created_at=tier.created_at,
            updated_at=tier.updated_at,
        )
