"""Queries on follows."""

from __future__ import annotations

import uuid

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator, Follow, User


async def add(session: AsyncSession, follower_id: uuid.UUID, creator_id: uuid.UUID) -> bool:
    """Follow; False if already following (a concurrent duplicate is no error either)."""
    result = await session.execute(
        insert(Follow)
        .values(follower_id=follower_id, creator_id=creator_id)
        .on_conflict_do_nothing()
        .returning(Follow.creator_id)
    )
    return result.first() is not None


async def remove(session: AsyncSession, follower_id: uuid.UUID, creator_id: uuid.UUID) -> bool:
    """Unfollow; False if not following."""
    result = await session.execute(
        delete(Follow)
        .where(Follow.follower_id == follower_id, Follow.creator_id == creator_id)
        .returning(Follow.creator_id)
    )
    return result.first() is not None


async def page_of_follows(
    session: AsyncSession, follower_id: uuid.UUID, after: uuid.UUID | None, limit: int
) -> list[tuple[Follow, Creator]]:
    """One page of a fan's follows in primary-key order (follower, creator): an index range
    scan that reads the page and nothing before it. Creators of deleted accounts are left out."""
    query = (
        select(Follow, Creator)
        .join(Creator, Creator.id == Follow.creator_id)
        .join(User, User.id == Creator.user_id)
        .where(Follow.follower_id == follower_id, User.deleted_at.is_(None))
        .order_by(Follow.creator_id)
        .limit(limit)
    )
    if after is not None:
        # Said of both sides: PostgreSQL does not carry a range through the join's equality, and
        # a merge join would otherwise read creators from the first one up to the cursor.
        query = query.where(Follow.creator_id > after, Creator.id > after)
    return [(row[0], row[1]) for row in await session.execute(query)]
