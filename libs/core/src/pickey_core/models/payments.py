"""Money that moved, or tried to (owned by `payments`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import (
    Base,
    CreatedAt,
    Timestamps,
    UuidPrimaryKey,
    currency_check,
    enum_column,
)
from pickey_core.models.memberships import BillingInterval

# GP webpay ORDERNUMBER: digits, at most 15, never reused, no leading zero. A sequence starting
# at 1 gives exactly that; the column keeps it as a string because it is a gateway identifier.
ORDER_NUMBER_SEQUENCE = sa.Sequence(
    "payment_order_number_seq", start=1, maxvalue=999_999_999_999_999, metadata=Base.metadata
)


class PaymentKind(StrEnum):
    MEMBERSHIP = "membership"  # first payment, registers the card for renewals
    RENEWAL = "renewal"  # monthly charge against the master payment
    TIP = "tip"
    UNLOCK = "unlock"  # paid single post
    GIFT = "gift"  # months of a tier for someone else, paid once (pickey_core.models.gifts)
    UPGRADE = "upgrade"  # prorated difference of a tier upgrade, against the master payment


class PaymentState(StrEnum):
    CREATED = "created"  # order made and signed; the fan is (or may be) at the gateway's page
    PENDING = "pending"  # a renewal charge claimed; the WS call is (or was) under way
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"  # gateway error or silence: reconcile by asking the gateway


# Payments whose outcome is not known yet; the partial index ix_payments_unsettled covers them.
UNSETTLED_STATES = (
    PaymentState.CREATED.value,
    PaymentState.PENDING.value,
    PaymentState.UNKNOWN.value,
)


class Payment(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "payments"
    __table_args__ = (
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        currency_check(),
        # Reconciliation reads the unsettled ones, oldest first.
        sa.Index(
            "ix_payments_unsettled",
            "created_at",
            postgresql_where=sa.text(
                "state IN (" + ", ".join(f"'{state}'" for state in UNSETTLED_STATES) + ")"
            ),
        ),
        sa.Index("ix_payments_fan_created", "fan_id", "created_at"),
        # The fan's payment list, newest first, keyset on (created_at, id).
        sa.Index("ix_payments_fan_created_id", "fan_id", "created_at", "id"),
        # A membership's renewal charges (is one still unsettled?).
        sa.Index(
            "ix_payments_membership",
            "membership_id",
            postgresql_where=sa.text("membership_id IS NOT NULL"),
        ),
    )

    order_number: Mapped[str] = mapped_column(
        sa.String(15),
        unique=True,
        server_default=sa.text("(nextval('payment_order_number_seq'::regclass))::text"),
    )
    kind: Mapped[PaymentKind] = mapped_column(enum_column(PaymentKind, "payment_kind"))
    state: Mapped[PaymentState] = mapped_column(enum_column(PaymentState, "payment_state"))
    fan_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    membership_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("memberships.id"))
    tier_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("tiers.id"))
    post_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("posts.id"))
    amount: Mapped[int] = mapped_column(sa.Integer)
    currency: Mapped[str] = mapped_column(sa.String(3))
    # A renewal charge is unique per membership and period *before* the gateway is called.
    # Membership payments: the period the fan chose (renewals follow the membership's).
    billing_interval: Mapped[BillingInterval | None] = mapped_column(
        enum_column(BillingInterval, "billing_interval")
    )
    renewal_key: Mapped[str | None] = mapped_column(sa.String(100), unique=True)
    master_payment_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("payments.id"))
    # Membership and renewal payments: the start of the period this payment pays for (a renewal
    # extends the membership only if it still ends there, so a stale charge never extends twice).
    period_start: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Renewals: when the WS charge was last sent. Another worker leaves the charge alone while
    # this is recent; after that it asks the gateway for the status instead of charging again.
    gateway_called_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Reconciliation: when the gateway was last asked for this payment's status.
    checked_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    prcode: Mapped[str | None] = mapped_column(sa.String(8))
    srcode: Mapped[str | None] = mapped_column(sa.String(8))
    result_text: Mapped[str | None] = mapped_column(sa.String(255))
    paid_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The receipt (simplified tax document) of a paid payment: its number in the ``R`` series.
    receipt_number: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    receipt_issued_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class PostUnlock(CreatedAt, Base):
    """A fan bought one paid post."""

    __tablename__ = "post_unlocks"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    post_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("posts.id"), primary_key=True)
    payment_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("payments.id"), unique=True)
