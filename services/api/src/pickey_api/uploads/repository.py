"""Queries on media assets (posts and live streams are read through the posts repository)."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import MediaAsset, MediaStatus


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
