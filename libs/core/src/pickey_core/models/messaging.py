"""The tables that make queues safe: outbox (sending), inbox (receiving), idempotency keys."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import Base, CreatedAt, UuidPrimaryKey


class OutboxMessage(UuidPrimaryKey, CreatedAt, Base):
    """A job written in the same transaction as the state change that wants it.

    Its id is the arq job id. ``dispatched_at`` is the last push to Redis; ``completed_at`` is
    set by the consuming job when it finishes, so a row whose job vanished from Redis (Redis lost
    its data) is pushed again by the sweeper.
    """

    __tablename__ = "outbox"
    __table_args__ = (
        sa.Index(
            "ix_outbox_unfinished", "created_at", postgresql_where=sa.text("completed_at IS NULL")
        ),
    )

    queue: Mapped[str] = mapped_column(sa.String(64))
    job_name: Mapped[str] = mapped_column(sa.String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    dispatched_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    dispatch_count: Mapped[int] = mapped_column(sa.Integer, server_default="0")
    completed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Set when the sweeper gives up (too many dispatches): needs a person.
    abandoned_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class InboxEvent(UuidPrimaryKey, CreatedAt, Base):
    """A webhook event, stored once per provider event id before anything acts on it."""

    __tablename__ = "webhook_inbox"
    __table_args__ = (
        sa.UniqueConstraint("provider", "external_id"),
        sa.Index(
            "ix_webhook_inbox_unprocessed",
            "created_at",
            postgresql_where=sa.text("processed_at IS NULL"),
        ),
        # Erasure finds the Mailgun events about a person's address (pickey_core.erasure).
        sa.Index(
            "ix_webhook_inbox_mailgun_recipient",
            sa.text("lower(payload ->> 'recipient')"),
            postgresql_where=sa.text("provider = 'mailgun'"),
        ),
    )

    provider: Mapped[str] = mapped_column(sa.String(32))
    external_id: Mapped[str] = mapped_column(sa.String(255))
    event_type: Mapped[str] = mapped_column(sa.String(128))
    payload: Mapped[dict[str, Any]] = mapped_column(JSONB)
    processed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    attempts: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    last_error: Mapped[str | None] = mapped_column(sa.Text)


class IdempotencyKey(CreatedAt, Base):
    """A key whose effect has happened; inserted in the same transaction as the effect."""

    __tablename__ = "idempotency_keys"

    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
