"""How media appears in API responses."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, Field

from pickey_core.models import MediaKind, MediaStatus


class MediaRead(BaseModel):
    """One image or video of a post, as this viewer may see it.

    Entitled viewers get short-lived URLs of every variant; others get only the ``teaser``
    variant (small, heavily blurred) when one exists, and never a video playback id.
    """

    id: uuid.UUID
    kind: MediaKind
    status: MediaStatus
    position: int
    width: int | None = None
    height: int | None = None
    urls: dict[str, str] = Field(
        default_factory=dict, description="Variant name → short-lived URL."
    )
