"""Request and response bodies of the comments endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from pickey_core.models import Comment
from pickey_core.partial_update import PartialUpdate
from pickey_core.text import storable

# Long enough for a heartfelt paragraph, short enough to keep a thread readable.
BODY_MAX_LENGTH = 2000


def _clean_body(value: str) -> str:
    """Surrounding whitespace is dropped. A blank comment is refused, and so is text PostgreSQL
    cannot store (see :mod:`pickey_core.text`)."""
    stripped = storable(value).strip()
    if not stripped:
        raise ValueError("must not be blank")
    return stripped


CommentBody = Annotated[
    str, Field(min_length=1, max_length=BODY_MAX_LENGTH), AfterValidator(_clean_body)
]


class CommentCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    body: CommentBody
    parent_id: uuid.UUID | None = Field(
        default=None,
        description="Reply to this comment (of the same post, itself not a reply).",
    )


class CommentUpdate(PartialUpdate):
    body: CommentBody


class CommentAuthor(BaseModel):
    id: uuid.UUID
    display_name: str


class CommentRead(BaseModel):
    id: uuid.UUID
    post_id: uuid.UUID
    parent_id: uuid.UUID | None = Field(
        description="The comment this one replies to; null for a top-level comment."
    )
    author: CommentAuthor
    body: str | None = Field(description="Null once the comment is deleted.")
    deleted: bool
    created_at: datetime
    edited_at: datetime | None = Field(description="When the author last edited it, if ever.")

    @classmethod
    def from_comment(cls, comment: Comment, author_name: str) -> CommentRead:
        deleted = comment.deleted_at is not None
        edited = not deleted and comment.updated_at > comment.created_at
        return cls(
            id=comment.id,
            post_id=comment.post_id,
            parent_id=comment.parent_id,
            author=CommentAuthor(id=comment.author_id, display_name=author_name),
            body=None if deleted else comment.body,
            deleted=deleted,
            created_at=comment.created_at,
            edited_at=comment.updated_at if edited else None,
        )
