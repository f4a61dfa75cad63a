"""Queries on comments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Comment, User
from pickey_core.pagination import after_key


def page_query(
    post_id: uuid.UUID, after: tuple[datetime, uuid.UUID] | None, limit: int
) -> Select[Comment, str]:
    """A post's comments oldest first, with each author's name, from the index
    ``ix_comments_post_created (post_id, created_at, id)``: O(page) rows however long the thread.

    ``limit`` rows are read; the caller asks for one more than it shows to know if there is more.
    """
    query = (
        select(Comment, User.display_name)
        .join(User, User.id == Comment.author_id)
        .where(Comment.post_id == post_id)
        .order_by(Comment.created_at, Comment.id)
        .limit(limit)
    )
    if after is not None:
        query = query.where(after_key((Comment.created_at, Comment.id), after, descending=False))
    return query


async def page(
    session: AsyncSession,
    post_id: uuid.UUID,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Row[Comment, str]]:
    return (await session.execute(page_query(post_id, after, limit))).all()


async def author_name(session: AsyncSession, author_id: uuid.UUID) -> str:
    name = await session.scalar(select(User.display_name).where(User.id == author_id))
    assert name is not None
    return name
