"""Queries on likes."""

from __future__ import annotations

import uuid

from sqlalchemy import delete
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
