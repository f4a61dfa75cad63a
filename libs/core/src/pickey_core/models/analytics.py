"""Membership history and the creator's monthly figures (owned by `payments`; `api` reads them).

**History.** :class:`MembershipEvent` rows are appended whenever a membership's state changes
(``pickey_payments.membership_history.record`` is the one writer) and never change afterwards: a
trigger (migration ``0012_members``) refuses UPDATE and DELETE, except erasing a cancelling fan's
own words (``reason_text`` set to NULL, GDPR). Each row carries the membership's monthly price
after the event and ``mrr_delta``, how much the event moved the creator's MRR, so a month's MRR
change is the sum of its events' deltas.

**Monthly figures.** :class:`CreatorMonthlyStats` (with its per-tier revenue and cancellation
reason rows) is one row per creator, calendar month (UTC) and currency, written by the payments
worker's analytics job from the history and the ledger. A month becomes ``final`` once it has
ended (plus a safety margin for transactions committing late) and is never recomputed; so the
dashboard reads O(months) rows whatever the number of fans, and past months never change.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import Base, currency_check, enum_column


class MembershipEventKind(StrEnum):
    STARTED = "started"  # first payment of a new membership
    RENEWED = "renewed"  # a period paid again (a renewal, or a past-due one paid by hand)
    # The membership now grants another tier (at a renewal this one event stands for both).
    TIER_CHANGED = "tier_changed"
    PAST_DUE = "past_due"  # a renewal failed; retries scheduled, access continues
    CANCELLED = "cancelled"  # the fan stopped renewals; access until the period ends
    RESUMED = "resumed"  # the fan undid a cancel
    LAPSED = "lapsed"  # the membership ended


class CancellationReason(StrEnum):
    """The fixed list a cancelling fan picks from (optional)."""

    TOO_EXPENSIVE = "too_expensive"
    NOT_ENOUGH_CONTENT = "not_enough_content"
    CONTENT_NOT_FOR_ME = "content_not_for_me"
    FINANCIAL_REASONS = "financial_reasons"
    TECHNICAL_PROBLEMS = "technical_problems"
    JUST_TRYING = "just_trying"
    OTHER = "other"


# The free text a cancelling fan may add, in characters.
CANCELLATION_TEXT_MAX_LENGTH = 500


class MembershipEvent(Base):
    __tablename__ = "membership_events"
    __table_args__ = (
        currency_check(),
        sa.CheckConstraint("monthly_amount >= 0", name="monthly_amount_nonnegative"),
        # The analytics job reads one month of events, all creators.
        sa.Index("ix_membership_events_occurred", "occurred_at", "id"),
        # A creator's history in order (the naive aggregate, support).
        sa.Index("ix_membership_events_creator_occurred", "creator_id", "occurred_at", "id"),
        # The previous event of a membership (its last monthly amount).
        sa.Index("ix_membership_events_membership", "membership_id", "id"),
    )

    id: Mapped[int] = mapped_column(sa.BigInteger, sa.Identity(always=False), primary_key=True)
    membership_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("memberships.id"))
    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    fan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    tier_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("tiers.id"))
    kind: Mapped[MembershipEventKind] = mapped_column(
        enum_column(MembershipEventKind, "membership_event_kind")
    )
    # The membership's recurring price per month after the event, in minor units.
    monthly_amount: Mapped[int] = mapped_column(sa.BigInteger)
    # What the event added to (or took from) the creator's MRR, in minor units.
    mrr_delta: Mapped[int] = mapped_column(sa.BigInteger)
    currency: Mapped[str] = mapped_column(sa.String(3))
    reason: Mapped[CancellationReason | None] = mapped_column(
        enum_column(CancellationReason, "cancellation_reason")
    )
    reason_text: Mapped[str | None] = mapped_column(sa.String(CANCELLATION_TEXT_MAX_LENGTH))
    occurred_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class CreatorMonthlyStats(Base):
    """One creator's month in one currency. Amounts in minor units; counts of memberships."""

    __tablename__ = "creator_monthly_stats"
    __table_args__ = (currency_check(),)

    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)  # the month's first day
    currency: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    active_start: Mapped[int] = mapped_column(sa.Integer)
    active_end: Mapped[int] = mapped_column(sa.Integer)
    new_members: Mapped[int] = mapped_column(sa.Integer)
    churned: Mapped[int] = mapped_column(sa.Integer)
    mrr_start: Mapped[int] = mapped_column(sa.BigInteger)
    mrr_end: Mapped[int] = mapped_column(sa.BigInteger)
    membership_revenue: Mapped[int] = mapped_column(sa.BigInteger)
    tips: Mapped[int] = mapped_column(sa.BigInteger)
    unlocks: Mapped[int] = mapped_column(sa.BigInteger)
    refunds: Mapped[int] = mapped_column(sa.BigInteger)
    final: Mapped[bool] = mapped_column(server_default=sa.false())
    computed_at: Mapped[datetime] = mapped_column(sa.DateTime(timezone=True))


class CreatorMonthlyTierRevenue(Base):
    """Membership money of one tier in one month: gross paid and refunds reserved."""

    __tablename__ = "creator_monthly_tier_revenue"
    __table_args__ = (currency_check(),)

    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    currency: Mapped[str] = mapped_column(sa.String(3), primary_key=True)
    tier_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("tiers.id"), primary_key=True)
    gross: Mapped[int] = mapped_column(sa.BigInteger)
    refunds: Mapped[int] = mapped_column(sa.BigInteger)


class CreatorMonthlyCancellations(Base):
    """How many fans cancelled in a month, per reason (``none``: no reason given)."""

    __tablename__ = "creator_monthly_cancellations"

    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"), primary_key=True)
    month: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    reason: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    count: Mapped[int] = mapped_column(sa.Integer)
