"""Creator profiles, their membership tiers, and free follows."""

from __future__ import annotations

import uuid
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import Base, CreatedAt, Timestamps, UuidPrimaryKey, currency_check
from pickey_core.models.memberships import BillingInterval


class Creator(UuidPrimaryKey, Timestamps, Base):
    """A creator's profile. Owned by the api, with one shared write: the media service bumps
    ``posts_version`` when it changes what the creator's post lists show, only through
    :func:`pickey_core.posts_version.bump_posts_version`."""

    __tablename__ = "creators"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(100))
    bio: Mapped[str] = mapped_column(sa.Text, server_default="")
    avatar_asset_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("media_assets.id", use_alter=True)
    )
    cover_asset_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("media_assets.id", use_alter=True)
    )
    # Bumped in the same transaction as every change to the creator's posts; part of the cache
    # key of their public post list, so a committed change is never served from a stale cache.
    posts_version: Mapped[int] = mapped_column(sa.Integer, server_default="0")


class Tier(UuidPrimaryKey, Timestamps, Base):
    """A monthly membership level. Archived, never deleted, once anyone has joined it."""

    __tablename__ = "tiers"
    __table_args__ = (
        sa.CheckConstraint("price_amount > 0", name="price_positive"),
        sa.CheckConstraint("yearly_price_amount > 0", name="yearly_price_positive"),
        sa.CheckConstraint("trial_days BETWEEN 1 AND 90", name="trial_days_range"),
        currency_check(),
        sa.Index("ix_tiers_creator_position", "creator_id", "position"),
    )

    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    name: Mapped[str] = mapped_column(sa.String(100))
    description: Mapped[str] = mapped_column(sa.Text, server_default="")
    # Money is an integer in minor units (haléře, cents).
    price_amount: Mapped[int] = mapped_column(sa.Integer)
    currency: Mapped[str] = mapped_column(sa.String(3))
    # The price of a year at once (the creator's discount for paying ahead), in the same currency;
    # None: monthly only.
    yearly_price_amount: Mapped[int | None] = mapped_column(sa.Integer)
    # Days a new member may try the tier free (once per fan and creator); None: no trial.
    trial_days: Mapped[int | None] = mapped_column(sa.SmallInteger)
    position: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    archived_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))

    def price_for(self, interval: BillingInterval) -> int | None:
        """One period's price for ``interval``; None when the tier is not sold that way."""
        return self.price_amount if interval is BillingInterval.MONTH else self.yearly_price_amount


class Follow(CreatedAt, Base):
    """A free follow: the follower sees the creator's public posts in their feed."""

    __tablename__ = "follows"
    __table_args__ = (
        # Fan-out reads a creator's followers in keyset chunks ordered by follower.
        sa.Index("ix_follows_creator_follower", "creator_id", "follower_id"),
    )

    follower_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"), primary_key=True)
