"""A fan's paid membership of a creator, and its billing state (owned by `payments`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import Base, CreatedAt, Timestamps, UuidPrimaryKey, enum_column


class MembershipStatus(StrEnum):
    PENDING = "pending"  # first payment not yet confirmed
    ACTIVE = "active"
    PAST_DUE = "past_due"  # renewal failed, retries scheduled; access continues meanwhile
    LAPSED = "lapsed"  # unpaid after the retries, or cancelled and the period ended
    CANCELLED = "cancelled"  # first payment never completed


class BillingInterval(StrEnum):
    MONTH = "month"
    YEAR = "year"


# Statuses in which a fan holds the membership (and may not start a second one).
HELD_STATUSES = (MembershipStatus.ACTIVE.value, MembershipStatus.PAST_DUE.value)


class Membership(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "memberships"
    __table_args__ = (
        # One held membership per fan and creator; changing tier edits it, never adds one.
        sa.Index(
            "uq_memberships_held_fan_creator",
            "fan_id",
            "creator_id",
            unique=True,
            postgresql_where=sa.text("status IN ('active', 'past_due')"),
        ),
        # Fan-out to members reads them in keyset chunks ordered by fan.
        sa.Index("ix_memberships_creator_status_fan", "creator_id", "status", "fan_id"),
        # A fan's memberships, newest first in keyset pages (their account page, GDPR export).
        sa.Index("ix_memberships_fan_created", "fan_id", "created_at", "id"),
        # A tier's holders.
        sa.Index("ix_memberships_tier", "tier_id"),
        # The creator's members list, newest first in keyset pages, unfiltered or filtered by
        # status, tier, or both (each filter has its own index so a page reads O(page) rows).
        sa.Index("ix_memberships_creator_created", "creator_id", "created_at", "id"),
        sa.Index(
            "ix_memberships_creator_status_created", "creator_id", "status", "created_at", "id"
        ),
        sa.Index(
            "ix_memberships_creator_tier_created", "creator_id", "tier_id", "created_at", "id"
        ),
        sa.Index(
            "ix_memberships_creator_tier_status_created",
            "creator_id",
            "tier_id",
            "status",
            "created_at",
            "id",
        ),
        # The renewal job reads what is due, soonest first.
        sa.Index(
            "ix_memberships_due",
            "current_period_end",
            postgresql_where=sa.text("status IN ('active', 'past_due')"),
        ),
    )

    fan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    tier_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("tiers.id"))
    # How long each paid period is, and so which of the tier's prices each renewal charges.
    billing_interval: Mapped[BillingInterval] = mapped_column(
        enum_column(BillingInterval, "billing_interval"), server_default=BillingInterval.MONTH.value
    )
    # The current period is a free trial (no card yet): at its end the fan pays by checkout or
    # the membership lapses.
    trial: Mapped[bool] = mapped_column(server_default=sa.false())
    # A downgrade takes effect at the next renewal.
    next_tier_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("tiers.id"))
    status: Mapped[MembershipStatus] = mapped_column(
        enum_column(MembershipStatus, "membership_status")
    )
    current_period_start: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    current_period_end: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    cancel_at_period_end: Mapped[bool] = mapped_column(server_default=sa.false())
    # The paid first payment that registered the card for recurring charges.
    master_payment_id: Mapped[uuid.UUID | None] = mapped_column(
        sa.ForeignKey("payments.id", use_alter=True)
    )
    # Failed renewal charges in the current dunning run (reset when a charge succeeds).
    renewal_failures: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    # When the next renewal step is due after a failure: another charge, or the lapse.
    next_retry_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The card can no longer be charged automatically (chain broken, or the bank wants strong
    # authentication): no more charges; the fan must pay by hand before the grace period ends.
    requires_manual_payment: Mapped[bool] = mapped_column(server_default=sa.false())
    # The period end whose "renewal upcoming" reminder was enqueued (once per period).
    reminded_for_period_end: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class FanTrial(CreatedAt, Base):
    """A fan has used their one free trial with a creator (the primary key refuses a second)."""

    __tablename__ = "fan_trials"

    fan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"), primary_key=True)
    membership_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("memberships.id"))
