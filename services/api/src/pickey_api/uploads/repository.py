"""Queries on media assets and live streams (the post itself is read through the post gate)."""

from __future__ import annotations

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import LiveStream, MediaAsset, MediaStatus


async def get_asset(session: AsyncSession, asset_id: uuid.UUID) -> MediaAsset | None:
    return await session.get(MediaAsset, asset_id)


async def mark_uploaded(session: AsyncSession, asset_id: uuid.UUID) -> bool:
    """Move a waiting asset to uploaded; False if it was not waiting any more.

    One conditional UPDATE: of two concurrent confirmations the second waits for the first's
    row lock, then finds the status changed, so exactly one of them goes on to enqueue.
    """
    result = await session.execute(
        update(MediaAsset)
        .where(MediaAsset.id == asset_id, MediaAsset.status == MediaStatus.WAITING)
        .values(status=MediaStatus.UPLOADED)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def assets_of_post(session: AsyncSession, post_id: uuid.UUID) -> list[MediaAsset]:
    """A post's media in order, locked (attaching and uploading to one post take turns)."""
    return list(
        await session.scalars(
            select(MediaAsset)
            .where(MediaAsset.post_id == post_id)
            .order_by(MediaAsset.position)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


async def live_stream(session: AsyncSession, post_id: uuid.UUID) -> LiveStream | None:
    return await session.get(LiveStream, post_id)
