"""The trial request."""

from __future__ import annotations

import uuid

from pydantic import BaseModel, ConfigDict, Field


class TrialCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tier_id: uuid.UUID = Field(description="An open tier that offers a free trial.")
