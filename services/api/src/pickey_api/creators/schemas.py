"""Request and response bodies of the creator endpoints.

Requests forbid unknown fields (mass assignment): a client cannot set ``user_id``, counts or the
slug of an existing profile. The slug is fixed once chosen, since it is the page's address and
the key of its cache.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from pickey_api.tiers.schemas import TierRead
from pickey_api.uploads.schemas import MediaRead
from pickey_core.partial_update import PartialUpdate
from pickey_core.text import OneLine, Storable

DISPLAY_NAME_MAX_LENGTH = 100
BIO_MAX_LENGTH = 5000


DisplayName = Annotated[str, Field(min_length=1, max_length=DISPLAY_NAME_MAX_LENGTH), OneLine]
Bio = Annotated[str, Field(max_length=BIO_MAX_LENGTH), Storable]


class CreatorCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    # Checked by the service (codes `invalid_slug`, `slug_reserved`), so only a loose bound here.
    slug: str = Field(
        max_length=100,
        description="The page's address: 3-40 of a-z, 0-9 and single inner hyphens; "
        "fixed once chosen.",
    )
    display_name: DisplayName
    bio: Bio = ""


class CreatorUpdate(PartialUpdate):
    """Fields to change; absent fields stay. ``null`` removes the avatar or the cover."""

    nullable = frozenset({"avatar_asset_id", "cover_asset_id"})

    display_name: DisplayName | None = None
    bio: Bio | None = None
    avatar_asset_id: uuid.UUID | None = Field(
        default=None, description="A ready image you uploaded (not one of a post)."
    )
    cover_asset_id: uuid.UUID | None = Field(
        default=None, description="A ready image you uploaded (not one of a post)."
    )


class CreatorRead(BaseModel):
    """The owner's view of their profile."""

    id: uuid.UUID
    slug: str
    display_name: str
    bio: str
    avatar_asset_id: uuid.UUID | None
    cover_asset_id: uuid.UUID | None
    avatar: MediaRead | None
    cover: MediaRead | None
    created_at: datetime
    updated_at: datetime


class CreatorSummary(BaseModel):
    """A creator as lists show one."""

    id: uuid.UUID
    slug: str
    display_name: str
    avatar: MediaRead | None


class CreatorProfile(BaseModel):
    id: uuid.UUID
    slug: str
    display_name: str
    bio: str
    avatar: MediaRead | None
    cover: MediaRead | None
    created_at: datetime


class CreatorCounts(BaseModel):
    members: int = Field(description="Fans holding a membership (active or past due).")
    posts: int = Field(description="Published posts anyone may see listed (teasers included).")
    followers: int


class CreatorPage(BaseModel):
    """What every visitor sees: the same for all, so it is cached."""

    profile: CreatorProfile
    tiers: list[TierRead] = Field(description="Tiers open to new members, in the creator's order.")
    counts: CreatorCounts


class ViewerRelation(BaseModel):
    """The logged-in viewer's own relation to the creator (never cached)."""

    is_owner: bool
    following: bool
    tier_id: uuid.UUID | None = Field(
        description="The tier of the membership the viewer holds, if any (it may be archived)."
    )


class CreatorPageRead(CreatorPage):
    viewer: ViewerRelation | None = Field(description="Null for anonymous visitors.")
