"""Request and response bodies of polls (a poll is created and edited as part of its post)."""

from __future__ import annotations

import uuid
from typing import Annotated, Self

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, model_validator

from pickey_core.models import PollResultsVisibility
from pickey_core.text import OneLine

MIN_OPTIONS = 2
MAX_OPTIONS = 10

OptionText = Annotated[str, StringConstraints(min_length=1, max_length=200), OneLine]


class PollCreate(BaseModel):
    """The poll of a poll post. Fixed once the post is published (votes refer to the options)."""

    model_config = ConfigDict(extra="forbid")

    options: list[OptionText] = Field(min_length=MIN_OPTIONS, max_length=MAX_OPTIONS)
    closes_at: AwareDatetime | None = Field(
        default=None, description="No votes after this moment; null keeps the poll open."
    )
    results_visibility: PollResultsVisibility = Field(
        default=PollResultsVisibility.ALWAYS,
        description="When entitled fans see the counts: always, once they voted, or once the "
        "poll closed (needs `closes_at`). The creator always sees them.",
    )

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if len({option.casefold() for option in self.options}) != len(self.options):
            raise ValueError("poll options must differ from each other")
        if self.results_visibility is PollResultsVisibility.AFTER_CLOSE and self.closes_at is None:
            raise ValueError("results shown after closing need closes_at")
        return self


class PollOptionRead(BaseModel):
    id: uuid.UUID
    position: int
    text: str
    votes: int | None = Field(description="Null while the results are hidden from this viewer.")


class PollRead(BaseModel):
    """A poll as this viewer may see it (only entitled viewers and the creator get one)."""

    closes_at: AwareDatetime | None
    closed: bool
    results_visibility: PollResultsVisibility
    results_visible: bool = Field(description="Whether `votes` and `total_votes` are filled in.")
    total_votes: int | None
    viewer_option_id: uuid.UUID | None = Field(description="The option this viewer voted for.")
    can_vote: bool
    options: list[PollOptionRead]


class VoteCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    option_id: uuid.UUID
