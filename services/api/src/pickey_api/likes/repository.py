"""Queries on likes."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Like


async def add(session: AsyncSession, post_id: uuid.UUID, user_id: uuid.UUID) -> None:
    """Insert the like unless it exists; concurrent repeats cannot fail (primary key)."""
    await session.execute(
        insert(Like).values(post_id=post_id, user_id=user_id).on_conflict_do_nothing()
    )


async def remove(session: AsyncSession, post_id: uuid.UUID, user_id: uuid.UUID) -> None:
    await session.execute(delete(Like).where(Like.post_id == post_id, Like.user_id == user_id))


async def counts(session: AsyncSession, post_ids: Collection[uuid.UUID]) -> dict[uuid.UUID, int]:
    """Likes per post, read from the primary key (post_id, user_id)."""
    rows = await session.execute(
        select(Like.post_id, func.count()).where(Like.post_id.in_(post_ids)).group_by(Like.post_id)
    )
    return {post_id: count for post_id, count in rows}


async def liked_by(
    session: AsyncSession, user_id: uuid.UUID, post_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    return set(
        await session.scalars(
            select(Like.post_id).where(Like.user_id == user_id, Like.post_id.in_(post_ids))
        )
    )
