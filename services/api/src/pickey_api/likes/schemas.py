"""What posts show about their likes."""

from __future__ import annotations

from pydantic import BaseModel, Field


class LikesRead(BaseModel):
    count: int = Field(ge=0)
    liked_by_me: bool = Field(description="Whether the viewer likes the post.")
