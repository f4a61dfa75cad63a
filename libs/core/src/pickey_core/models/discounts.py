"""Discount codes a creator offers, who redeemed them, and what each payment was discounted
(owned by `payments`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import Base, CreatedAt, Timestamps, UuidPrimaryKey, enum_column


class DiscountKind(StrEnum):
    PERCENT = "percent"  # percent_off of the tier's price
    FIXED = "fixed"  # amount_off minor units in the code's currency


class DiscountCode(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "discount_codes"
    __table_args__ = (
        # Codes are unique per creator (two creators may both sell with "LETO"), stored upper case.
        sa.UniqueConstraint("creator_id", "code"),
        sa.CheckConstraint(
            "(kind = 'percent' AND percent_off BETWEEN 1 AND 99 AND amount_off IS NULL"
            " AND currency IS NULL) OR (kind = 'fixed' AND amount_off > 0 AND"
            " percent_off IS NULL AND currency IN ('CZK', 'EUR'))",
            name="amount_of_kind",
        ),
        sa.CheckConstraint("duration_periods IS NULL OR duration_periods > 0", name="duration"),
        # The last line of defence of the limit: a use beyond it fails the statement.
        sa.CheckConstraint(
            "max_redemptions IS NULL OR redemptions_count <= max_redemptions",
            name="within_limit",
        ),
        # The creator's list, newest first in keyset pages.
        sa.Index("ix_discount_codes_creator_created", "creator_id", "created_at", "id"),
        # The "discount expiring" job reads codes by expiry.
        sa.Index(
            "ix_discount_codes_expiring",
            "expires_at",
            postgresql_where=sa.text("expires_at IS NOT NULL AND expiry_notified_at IS NULL"),
        ),
    )

    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    code: Mapped[str] = mapped_column(sa.String(32))
    kind: Mapped[DiscountKind] = mapped_column(enum_column(DiscountKind, "discount_kind"))
    percent_off: Mapped[int | None] = mapped_column(sa.SmallInteger)
    amount_off: Mapped[int | None] = mapped_column(sa.Integer)
    currency: Mapped[str | None] = mapped_column(sa.String(3))
    # How many paid periods the discount applies to (the first payment is period 1); None: all.
    duration_periods: Mapped[int | None] = mapped_column(sa.SmallInteger)
    max_redemptions: Mapped[int | None] = mapped_column(sa.Integer)
    redemptions_count: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # None: every tier of the creator.
    tier_ids: Mapped[list[uuid.UUID] | None] = mapped_column(ARRAY(sa.Uuid()))
    disabled_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    expiry_notified_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class DiscountRedemption(UuidPrimaryKey, CreatedAt, Base):
    """One fan's use of one code: one per fan and code, counted once in ``redemptions_count``."""

    __tablename__ = "discount_redemptions"
    __table_args__ = (sa.UniqueConstraint("discount_code_id", "fan_id"),)

    discount_code_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("discount_codes.id"))
    fan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))


class PaymentDiscount(Base):
    """What one payment was discounted: the receipt shows list price, discount and paid."""

    __tablename__ = "payment_discounts"
    __table_args__ = (
        sa.CheckConstraint("discount_amount > 0 AND discount_amount < list_amount", name="amount"),
        sa.Index("ix_payment_discounts_redemption", "redemption_id"),
    )

    payment_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("payments.id"), primary_key=True)
    redemption_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("discount_redemptions.id"))
    list_amount: Mapped[int] = mapped_column(sa.Integer)
    discount_amount: Mapped[int] = mapped_column(sa.Integer)
