"""Posts and what hangs off them: access, polls, live streams, comments, likes.

A post has a ``kind`` and per-kind detail in its own table (``polls`` + ``poll_options``,
``live_streams``; photo and video posts own rows in ``media_assets``).
"""

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


class PostKind(StrEnum):
    TEXT = "text"
    PHOTO = "photo"
    VIDEO = "video"
    POLL = "poll"
    LIVE = "live"


class PostStatus(StrEnum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    PUBLISHED = "published"


class PostAccess(StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"  # members of the tiers in post_tiers (or min_tier_price and above)
    PAID = "paid"  # a single paid unlock


# The condition every feed filters on; the feed indexes are partial on exactly this.
FEED_VISIBLE = "status = 'published' AND media_ready AND deleted_at IS NULL"


class Post(UuidPrimaryKey, Timestamps, Base):
    """A creator's post. Owned by the api, with one shared write: the media service sets
    ``media_ready`` and ``announced_at`` when an asset of the post changes state, only through
    :func:`pickey_core.post_readiness.settle_media_change` (the rule the api's edits run too)."""

    __tablename__ = "posts"
    __table_args__ = (
        currency_check("unlock_currency"),
        sa.CheckConstraint("unlock_price_amount > 0", name="unlock_price_positive"),
        # Keyset feed of one creator: WHERE creator_id = ? AND (published_at, id) < (?, ?).
        sa.Index(
            "ix_posts_creator_feed",
            "creator_id",
            sa.text("published_at DESC"),
            sa.text("id DESC"),
            postgresql_where=sa.text(FEED_VISIBLE),
        ),
        # The scheduled-publishing job reads what is due.
        sa.Index(
            "ix_posts_scheduled_due",
            "publish_at",
            postgresql_where=sa.text("status = 'scheduled' AND deleted_at IS NULL"),
        ),
        # A creator's own list of posts (drafts and scheduled included), newest first, keyset on
        # (created_at, id): all of them, or one status at a time.
        sa.Index(
            "ix_posts_creator_dashboard",
            "creator_id",
            sa.text("created_at DESC"),
            sa.text("id DESC"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        ),
        sa.Index(
            "ix_posts_creator_status_dashboard",
            "creator_id",
            "status",
            sa.text("created_at DESC"),
            sa.text("id DESC"),
            postgresql_where=sa.text("deleted_at IS NULL"),
        ),
    )

    creator_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("creators.id"))
    kind: Mapped[PostKind] = mapped_column(enum_column(PostKind, "post_kind"))
    status: Mapped[PostStatus] = mapped_column(enum_column(PostStatus, "post_status"))
    access: Mapped[PostAccess] = mapped_column(enum_column(PostAccess, "post_access"))
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text, server_default="")
    # "This tier price and above" access, in the creator's currency; NULL = only post_tiers.
    min_tier_price: Mapped[int | None] = mapped_column(sa.Integer)
    unlock_price_amount: Mapped[int | None] = mapped_column(sa.Integer)
    unlock_currency: Mapped[str | None] = mapped_column(sa.String(3))
    publish_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    published_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # Kept up to date by the api and `media` through `pickey_core.post_readiness` (true at once
    # for kinds without media). Feeds filter on this
    # column through a partial index, never by joining media (the 8-billion-row incident).
    media_ready: Mapped[bool] = mapped_column(server_default=sa.false())
    # Set once when the new-post notification has been enqueued, so it is enqueued once.
    announced_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class PostTier(Base):
    """A tier whose members may see a members-only post."""

    __tablename__ = "post_tiers"
    __table_args__ = (sa.Index("ix_post_tiers_tier", "tier_id"),)

    post_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("posts.id"), primary_key=True)
    tier_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("tiers.id"), primary_key=True)


class PollResultsVisibility(StrEnum):
    ALWAYS = "always"
    AFTER_VOTE = "after_vote"
    AFTER_CLOSE = "after_close"


class Poll(Base):
    __tablename__ = "polls"

    post_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("posts.id"), primary_key=True)
    closes_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    results_visibility: Mapped[PollResultsVisibility] = mapped_column(
        enum_column(PollResultsVisibility, "poll_results_visibility")
    )


class PollOption(UuidPrimaryKey, Base):
    __tablename__ = "poll_options"
    __table_args__ = (sa.UniqueConstraint("post_id", "position"),)

    post_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("polls.post_id"))
    position: Mapped[int] = mapped_column(sa.SmallInteger)
    text: Mapped[str] = mapped_column(sa.String(200))


class PollVote(CreatedAt, Base):
    """One vote per user and poll: the primary key makes a second vote impossible."""

    __tablename__ = "poll_votes"
    __table_args__ = (
        sa.Index("ix_poll_votes_option", "option_id"),
        sa.Index("ix_poll_votes_user", "user_id"),
    )

    post_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("polls.post_id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
    option_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("poll_options.id"))


class LiveState(StrEnum):
    IDLE = "idle"
    CONNECTED = "connected"
    ACTIVE = "active"
    DISCONNECTED = "disconnected"
    ENDED = "ended"
    DISABLED = "disabled"


class LiveStream(Timestamps, Base):
    """The Mux live stream behind a live post (owned by `media`)."""

    __tablename__ = "live_streams"

    post_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("posts.id"), primary_key=True)
    scheduled_start_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    mux_live_stream_id: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    # The stream key is a secret shown only to the creator.
    mux_stream_key: Mapped[str | None] = mapped_column(sa.String(255))
    playback_id: Mapped[str | None] = mapped_column(sa.String(255))
    playback_policy: Mapped[str | None] = mapped_column(sa.String(16))
    state: Mapped[LiveState] = mapped_column(enum_column(LiveState, "live_state"))
    # When Mux reported ``state`` (its event's ``created_at``): Mux does not deliver events in
    # order, so an event older than this changes nothing.
    state_changed_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))
    # The Mux asset recording the current broadcast (one per broadcast); None between broadcasts.
    active_asset_id: Mapped[str | None] = mapped_column(sa.String(255))


class Comment(UuidPrimaryKey, Timestamps, Base):
    __tablename__ = "comments"
    __table_args__ = (
        sa.Index("ix_comments_post_created", "post_id", "created_at", "id"),
        # GDPR export and deletion find a user's comments.
        sa.Index("ix_comments_author", "author_id"),
    )

    post_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("posts.id"))
    author_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"))
    parent_id: Mapped[uuid.UUID | None] = mapped_column(sa.ForeignKey("comments.id"))
    body: Mapped[str] = mapped_column(sa.Text)
    deleted_at: Mapped[datetime | None] = mapped_column(sa.DateTime(timezone=True))


class Like(CreatedAt, Base):
    """One like per user and post."""

    __tablename__ = "likes"
    __table_args__ = (sa.Index("ix_likes_user", "user_id"),)

    post_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("posts.id"), primary_key=True)
    user_id: Mapped[uuid.UUID] = mapped_column(sa.ForeignKey("users.id"), primary_key=True)
