"""What the comment notice reads besides rows by primary key."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Comment


async def comment_author_id(session: AsyncSession, comment_id: uuid.UUID) -> uuid.UUID | None:
    """The comment's author, read without loading (or locking) the comment itself: the
    author's row is locked first, then the comment is read (see ``tasks``)."""
    return await session.scalar(select(Comment.author_id).where(Comment.id == comment_id))
