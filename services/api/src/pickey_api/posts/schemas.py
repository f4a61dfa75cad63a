"""Request and response bodies of the posts endpoints.

Request bodies refuse unknown fields (``extra="forbid"``): a client cannot smuggle in
``creator_id``, ``status``, ``published_at``, ``media_ready`` or counts, which only the server
sets.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated, Literal, Self

from pydantic import (
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    field_validator,
    model_validator,
)

from pickey_api.polls.schemas import PollCreate, PollRead
from pickey_api.post_access.entitlements import Access
from pickey_api.uploads.schemas import MediaFailureRead, MediaRead, VideoPlayback
from pickey_core.models import LiveState, PostAccess, PostKind, PostStatus
from pickey_core.partial_update import PartialUpdate
from pickey_core.text import OneLine, Storable

TITLE_MAX_LENGTH = 200
BODY_MAX_LENGTH = 50_000
MAX_GALLERY_IMAGES = 20
MAX_LISTED_TIERS = 20
# Ten thousand crowns / euros in minor units: far above any real price, far below int32.
MAX_PRICE_AMOUNT = 100_000_000

# One line; text PostgreSQL cannot store (NUL, lone surrogates) is a 422, not a 500.
Title = Annotated[str, StringConstraints(min_length=1, max_length=TITLE_MAX_LENGTH), OneLine]
Body = Annotated[str, Field(max_length=BODY_MAX_LENGTH), Storable]
PriceAmount = Annotated[int, Field(gt=0, le=MAX_PRICE_AMOUNT)]


def _unique(values: list[uuid.UUID]) -> list[uuid.UUID]:
    if len(set(values)) != len(values):
        raise ValueError("ids must not repeat")
    return values


class Price(BaseModel):
    """Money: an integer in minor units (haléře, cents) and its currency."""

    model_config = ConfigDict(extra="forbid")

    amount: PriceAmount
    currency: Literal["CZK", "EUR"]


class LiveCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    scheduled_start_at: AwareDatetime = Field(description="When the stream is planned to start.")


class PostCreate(BaseModel):
    """A new post; it starts as a draft (publish or schedule it with ``/publish``).

    Access: ``public``; ``members`` with ``tier_ids`` (the creator's own tiers) and/or
    ``min_tier_price`` (members of any tier at this price or above); ``paid`` with
    ``unlock_price``. Kinds: ``photo`` needs 1 to 20 ``media_asset_ids`` (the author's uploaded
    images, in gallery order); ``video`` takes at most one video asset (usually attached later by
    the video upload); ``poll`` needs ``poll``; ``live`` needs ``live``.
    """

    model_config = ConfigDict(extra="forbid")

    kind: PostKind
    title: Title
    body: Body = ""
    access: PostAccess = PostAccess.PUBLIC
    tier_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_LISTED_TIERS)
    min_tier_price: PriceAmount | None = None
    unlock_price: Price | None = None
    media_asset_ids: list[uuid.UUID] = Field(default_factory=list, max_length=MAX_GALLERY_IMAGES)
    poll: PollCreate | None = None
    live: LiveCreate | None = None

    @field_validator("tier_ids", "media_asset_ids")
    @classmethod
    def _unique_ids(cls, values: list[uuid.UUID]) -> list[uuid.UUID]:
        return _unique(values)

    @model_validator(mode="after")
    def _details_match_kind(self) -> Self:
        if (self.poll is not None) != (self.kind is PostKind.POLL):
            raise ValueError("`poll` is required for poll posts and refused for other kinds")
        if (self.live is not None) != (self.kind is PostKind.LIVE):
            raise ValueError("`live` is required for live posts and refused for other kinds")
        return self


class PostUpdate(PartialUpdate):
    """Fields to change; anything left out stays as it is. The kind never changes.

    Changing ``access`` drops the settings of the old access (tiers, minimum price, unlock
    price) unless new ones are given. ``media_asset_ids`` replaces the gallery (assets left out
    are detached). ``poll`` replaces the poll, and only before the post is published.
    """

    nullable = frozenset({"min_tier_price", "unlock_price"})

    title: Title | None = None
    body: Body | None = None
    access: PostAccess | None = None
    tier_ids: list[uuid.UUID] | None = Field(default=None, max_length=MAX_LISTED_TIERS)
    min_tier_price: PriceAmount | None = None
    unlock_price: Price | None = None
    media_asset_ids: list[uuid.UUID] | None = Field(default=None, max_length=MAX_GALLERY_IMAGES)
    poll: PollCreate | None = None
    live: LiveCreate | None = None

    @field_validator("tier_ids", "media_asset_ids")
    @classmethod
    def _unique_ids(cls, values: list[uuid.UUID] | None) -> list[uuid.UUID] | None:
        return None if values is None else _unique(values)


class PublishRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    publish_at: AwareDatetime | None = Field(
        default=None,
        description="A future moment schedules the post; absent (or a past moment) publishes now.",
    )


class CreatorSummary(BaseModel):
    id: uuid.UUID
    slug: str
    display_name: str


class TierSummary(BaseModel):
    """A tier whose members may read the post: what a teaser offers to join."""

    id: uuid.UUID
    name: str
    price_amount: int
    currency: str


class LiveRead(BaseModel):
    scheduled_start_at: AwareDatetime | None
    state: LiveState
    playback: VideoPlayback | None = Field(
        default=None, description="Entitled viewers, once the stream exists at Mux."
    )


class PostVisibility(BaseModel):
    """Whether anyone but the creator sees the post, why not and what to do (the creator's own
    list and view only; :mod:`pickey_api.posts.visibility`)."""

    visible: bool
    code: Literal[
        "visible",
        "draft",
        "scheduled",
        "media_processing",
        "media_failed",
        "media_missing",
        "deleted",
    ]
    text: dict[str, str] = Field(description="What it means and what to do, by language: cs, en.")
    media_failure: MediaFailureRead | None = Field(
        default=None, description="media_failed: why the file failed, in our words."
    )


class PostEditing(BaseModel):
    """Only for the post's creator: what the edit form needs."""

    tier_ids: list[uuid.UUID]
    min_tier_price: int | None
    media_asset_ids: list[uuid.UUID] = Field(
        description="Every attached asset in gallery order, processed or not."
    )
    media_ready: bool
    publish_at: AwareDatetime | None
    announced: bool
    deleted_at: AwareDatetime | None
    visibility: PostVisibility


class PostRead(BaseModel):
    """A post as this viewer may see it.

    ``viewer_access`` is ``owner``, ``full`` or ``teaser``. A teaser carries the title, kind,
    dates, the blurred preview (``media`` with only the ``teaser`` variant), the tiers that
    unlock it or its unlock price, and counts; never the body, media URLs, poll or playback.
    """

    id: uuid.UUID
    creator: CreatorSummary
    kind: PostKind
    status: PostStatus
    access: PostAccess
    viewer_access: Access
    title: str
    body: str | None = Field(description="Null for teasers.")
    media: list[MediaRead]
    poll: PollRead | None
    live: LiveRead | None
    unlocking_tiers: list[TierSummary] = Field(
        description="Members posts: the (open) tiers whose members may read it, cheapest first."
    )
    unlock_price: Price | None = Field(description="Paid posts: the price of a single unlock.")
    like_count: int
    comment_count: int
    liked: bool = Field(description="Whether this viewer liked the post.")
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    editing: PostEditing | None = Field(description="Only for the post's creator.")
