"""Uploaded images and Mux videos (owned by `media`)."""

from __future__ import annotations

import uuid
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from pickey_core.models.base import Base, Timestamps, UuidPrimaryKey, enum_column


class MediaKind(StrEnum):
    IMAGE = "image"
    VIDEO = "video"


class MediaStatus(StrEnum):
    """Moves forward only: an older event arriving late never moves an asset back."""

    WAITING = "waiting"  # upload URL handed out, nothing received yet
    UPLOADED = "uploaded"  # original received (image) / Mux asset created (video)
    PROCESSING = "processing"  # being decoded (image) / Mux is preparing it (video)
    READY = "ready"
    FAILED = "failed"


class MediaAsset(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "media_assets"
    __table_args__ = (
        sa.Index("ix_media_assets_post_position", "post_id", "position"),
        sa.Index("ix_media_assets_owner", "owner_id"),
        # Recordings of a live stream still waiting for their broadcast to end (see below).
        sa.Index(
            "ix_media_assets_mux_live_stream",
            "mux_live_stream_id",
            postgresql_where=sa.text("mux_live_stream_id IS NOT NULL"),
        ),
    )

    owner_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    post_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("posts.id"))
    position: Mapped[int] = mapped_column(sa.SmallInteger, server_default="0")
    kind: Mapped[MediaKind] = mapped_column(enum_column(MediaKind, "media_kind"))
    status: Mapped[MediaStatus] = mapped_column(enum_column(MediaStatus, "media_status"))
    # Why it failed, for support: the provider's own words or our pipeline's (never shown to the
    # creator as is); ``failure_code`` is our reason, which notices and the post view translate.
    failure_reason: Mapped[str | None] = mapped_column(sa.Text)
    failure_code: Mapped[str | None] = mapped_column(sa.String(64))
    # Images: the original's storage key (random, not derived from the post id) and variants
    # ({"960w.webp": {"key":..., "width":..., "height":..., "bytes":...}, ...}).
    original_key: Mapped[str | None] = mapped_column(sa.String(1024))
    content_type: Mapped[str | None] = mapped_column(sa.String(100))
    byte_size: Mapped[int | None] = mapped_column(sa.BigInteger)
    width: Mapped[int | None] = mapped_column(sa.Integer)
    height: Mapped[int | None] = mapped_column(sa.Integer)
    variants: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=sa.text("'{}'::jsonb"))
    # Videos: Mux identifiers are strings from the provider.
    mux_upload_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    mux_asset_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    playback_id: Mapped[str | None] = mapped_column(sa.String(255))
    playback_policy: Mapped[str | None] = mapped_column(sa.String(16))
    duration_seconds: Mapped[float | None] = mapped_column(sa.Float)
    aspect_ratio: Mapped[str | None] = mapped_column(sa.String(16))
    # Live recordings: the Mux live stream that recorded this video. Mux makes one asset per
    # broadcast; it joins its live post (``post_id``) once the broadcast is over.
    mux_live_stream_id: Mapped[str | None] = mapped_column(sa.String(255))
