"""Queries of the image job: the asset, its post, and what the post's readiness depends on."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator, MediaAsset, Post


async def get_asset(
    session: AsyncSession, asset_id: uuid.UUID, *, for_update: bool = False
) -> MediaAsset | None:
    query = select(MediaAsset).where(MediaAsset.id == asset_id)
    if for_update:
        # Two runs of the same job (a retry racing a slow first run) decide the outcome one at
        # a time: the second sees the first one's status.
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def get_post(
    session: AsyncSession, post_id: uuid.UUID, *, for_update: bool = False
) -> Post | None:
    query = select(Post).where(Post.id == post_id)
    if for_update:
        # The same lock the api takes for edits and publishing: the new-post announcement is
        # decided by exactly one writer.
        query = query.with_for_update().execution_options(populate_existing=True)
    return await session.scalar(query)


async def bump_posts_version(session: AsyncSession, creator_id: uuid.UUID) -> None:
    """Invalidate the api's cached public post list of this creator (in this transaction)."""
    await session.execute(
        update(Creator)
        .where(Creator.id == creator_id)
        .values(posts_version=Creator.posts_version + 1)
    )
