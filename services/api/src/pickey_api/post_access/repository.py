"""The one post lookup the gate needs."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Post


async def get_post(
    session: AsyncSession, post_id: uuid.UUID, *, for_update: bool = False
) -> Post | None:
    query = select(Post).where(Post.id == post_id)
    if for_update:
        # Writes to one post (edit, publish, media readiness, the scheduled job) take turns, so
        # the new-post announcement is decided by exactly one of them.
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)
