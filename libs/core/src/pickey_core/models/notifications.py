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
    """One event for one recipient; the in-app list reads these newest first."""

    __tablename__ = "notifications"
    __table_args__ = (
        # The same event never makes two notifications for one person, however often it runs.
        sa.UniqueConstraint("event_key", "recipient_id"),
        sa.Index(
            "ix_notifications_recipient_feed",
            "recipient_id",
            sa.text("created_at DESC"),
            sa.text("id DESC"),
        ),
        # The unread badge counts only unread rows.
        sa.Index(
            "ix_notifications_unread",
            "recipient_id",
            postgresql_where=sa.text("read_at IS NULL"),
        ),
    )

    event_key: Mapped[str] = mapped_column(sa.String(200))
    recipient_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    kind: Mapped[str] = mapped_column(sa.String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=sa.text("'{}'::jsonb"))
    read_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


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


class NotificationPreference(Timestamps, Base):
    """A user's choice for one category on one channel; no row means the category's default."""

    __tablename__ = "notification_preferences"

    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    category: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    channel: Mapped[Channel] = mapped_column(
        enum_column(Channel, "preference_channel"), primary_key=True
    )
    enabled: Mapped[bool]
