"""Queries on assets and on the posts they belong to, shared by images, videos and live streams.

Lock order: a post before its assets, as the api does when it edits a post's media (post row,
then asset rows). Taking them the other way round could deadlock with a creator's edit.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator, MediaAsset, Post


async def get_asset(
    session: AsyncSession, asset_id: uuid.UUID, *, for_update: bool = False
) -> MediaAsset | None:
    query = select(MediaAsset).where(MediaAsset.id == asset_id)
    if for_update:
        # Two runs of the same job (a retry racing a slow first run), or two events about one
        # asset, decide the outcome one at a time: the second sees the first one's status.
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


async def lock_asset_and_post(
    session: AsyncSession, asset_id: uuid.UUID
) -> tuple[MediaAsset | None, Post | None]:
    """The asset and its post, both locked, post first (see the module docs).

    The asset's post is read before its lock is held; if a concurrent edit moved the asset to
    another post meanwhile, that post is locked too, so the caller always holds the lock of the
    post the asset belongs to now.
    """
    post_id = await session.scalar(select(MediaAsset.post_id).where(MediaAsset.id == asset_id))
    post = await get_post(session, post_id, for_update=True) if post_id else None
    asset = await get_asset(session, asset_id, for_update=True)
    if asset is not None and asset.post_id != (post.id if post else None):
        post = await get_post(session, asset.post_id, for_update=True) if asset.post_id else None
    return asset, post


async def creator_user_id(session: AsyncSession, creator_id: uuid.UUID) -> uuid.UUID | None:
    result: uuid.UUID | None = await session.scalar(
        select(Creator.user_id).where(Creator.id == creator_id)
    )
    return result


async def count_post_assets(session: AsyncSession, post_id: uuid.UUID) -> int:
    """Assets attached to a post (the next free ``position``); uses the post-position index."""
    count = await session.scalar(
        select(func.count()).select_from(MediaAsset).where(MediaAsset.post_id == post_id)
    )
    return int(count or 0)
