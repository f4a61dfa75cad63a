"""In-app notifications, the delivery ledger and preferences (owned by `notifications`)."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import Base, Timestamps, UuidPrimaryKey, enum_column


class Channel(StrEnum):
    IN_APP = "in_app"
    EMAIL = "email"
    REALTIME = "realtime"


class DeliveryState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"  # claimed; the provider may or may not have accepted it yet
    SENT = "sent"
    FAILED = "failed"
    SUPPRESSED = "suppressed"  # preference off, unsubscribed, bounced address


class Notification(UuidPrimaryKey, Timestamps, Base):
    """One event for one recipient; the in-app list reads these newest first.

    Shared table: the notifications service creates the rows; the api sets ``read_at`` when the
    recipient reads them, only through :mod:`pickey_core.notification_reads`.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        # The same event never makes two notifications for one person, however often it runs.
        sa.UniqueConstraint("event_key", "recipient_id"),
        # The in-app list and the unread badge read only listed rows.
        sa.Index(
            "ix_notifications_recipient_feed",
            "recipient_id",
            sa.text("created_at DESC"),
            sa.text("id DESC"),
            postgresql_where=sa.text("in_app"),
        ),
        sa.Index(
            "ix_notifications_unread",
            "recipient_id",
            postgresql_where=sa.text("read_at IS NULL AND in_app"),
        ),
    )

    event_key: Mapped[str] = mapped_column(sa.String(200))
    recipient_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=sa.text("'{}'::jsonb"))
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Whether the recipient's in-app list shows it: the in-app channel. The row itself is also
    # the anchor of the email and realtime ledger rows, so an email-only notification (account
    # emails) or one whose recipient turned in-app off exists with ``in_app`` false.
    in_app: Mapped[bool] = mapped_column(server_default=sa.true())


class NotificationDelivery(UuidPrimaryKey, Timestamps, Base):
    """The ledger: a row per notification and channel, written before the provider is called."""

    __tablename__ = "notification_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("notification_id", "channel"),
        sa.Index(
            "ix_notification_deliveries_unfinished",
            "updated_at",
            postgresql_where=sa.text("state IN ('pending', 'sending')"),
        ),
    )

    notification_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("notifications.id"))
    channel: Mapped[Channel] = mapped_column(enum_column(Channel, "delivery_channel"))
    state: Mapped[DeliveryState] = mapped_column(enum_column(DeliveryState, "delivery_state"))
    attempts: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    provider_message_id: Mapped[str | None] = mapped_column(sa.String(255))
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    sent_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Set when a run claims the row (``sending``): until then no other run may claim it, so two
    # workers on the same event never both call the provider. A run that died mid-call leaves
    # the row ``sending``; once the lease lapses, a later run claims it again.
    lease_expires_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class NotificationPreference(Timestamps, Base):
    """A user's choice for one category on one channel; no row means the category's default.

    Shared table: the api (preference changes) and the notifications service (unsubscribe links,
    Mailgun unsubscribe events) both write it, only through
    :func:`pickey_core.notification_preferences.save`, which holds the locked-channel rule.
    """

    __tablename__ = "notification_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    channel: Mapped[Channel] = mapped_column(
        enum_column(Channel, "preference_channel"), primary_key=True
    )
    enabled: Mapped[bool]


class SuppressionReason(StrEnum):
    BOUNCED = "bounced"  # Mailgun reported a permanent failure
    COMPLAINED = "complained"  # the recipient marked a message as spam


class EmailSuppression(Timestamps, Base):
    """An address that gets no more non-transactional email (account and money emails still go).

    Keyed by the lower-cased address, not the user: a bounce is a fact about the mailbox, and a
    user who changes their address starts clean.
    """

    __tablename__ = "email_suppressions"

    address: Mapped[str] = mapped_column(sa.String(320), primary_key=True)
    reason: Mapped[SuppressionReason] = mapped_column(
        enum_column(SuppressionReason, "suppression_reason")
    )
    detail: Mapped[str | None] = mapped_column(sa.Text)
