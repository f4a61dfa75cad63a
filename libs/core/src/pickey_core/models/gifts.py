"""Gift memberships a fan bought for someone, and free months a membership was given (a
redeemed gift or a creator's comp) (owned by `payments`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import Base, CreatedAt, UuidPrimaryKey, enum_column

GIFT_MONTHS = (1, 3, 12)


class Gift(UuidPrimaryKey, CreatedAt, Base):
    """Months of a tier paid once by ``purchaser_id`` (its ``gift`` payment), redeemable once
    with ``code`` by whoever the e-mail reached."""

    __tablename__ = "gifts"
    __table_args__ = (sa.CheckConstraint("months IN (1, 3, 12)", name="months"),)

    payment_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("payments.id"), unique=True)
    purchaser_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    tier_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("tiers.id"))
    months: Mapped[int] = mapped_column(sa.SmallInteger)
    recipient_email: Mapped[str] = mapped_column(sa.String(320))
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    redeemed_by: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("users.id"))
    redeemed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class GrantKind(StrEnum):
    GIFT = "gift"  # a redeemed gift membership
    COMP = "comp"  # free months the creator granted


class MembershipGrant(UuidPrimaryKey, CreatedAt, Base):
    """Free months added to a membership: no payment, no ledger money."""

    __tablename__ = "membership_grants"
    __table_args__ = (
        sa.Index("ix_membership_grants_creator_created", "creator_id", "created_at", "id"),
        sa.Index("ix_membership_grants_membership", "membership_id"),
    )

    membership_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("memberships.id"))
    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    fan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    tier_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("tiers.id"))
    kind: Mapped[GrantKind] = mapped_column(enum_column(GrantKind, "grant_kind"))
    gift_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("gifts.id"), unique=True)
    months: Mapped[int] = mapped_column(sa.SmallInteger)
    # The membership's end before and after the grant: what exactly was given.
    period_end_before: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    period_end_after: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))
