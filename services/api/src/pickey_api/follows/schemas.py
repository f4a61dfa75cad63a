"""Response bodies of the follow endpoints (the writes have no body)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from pickey_api.creators.schemas import CreatorSummary


class FollowRead(BaseModel):
    creator: CreatorSummary
    followed_at: datetime
