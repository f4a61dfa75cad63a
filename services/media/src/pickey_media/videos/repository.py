"""Finding the video asset a Mux upload or asset belongs to; every lookup uses a unique index
(primary key, ``mux_upload_id``, ``mux_asset_id``)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import MediaAsset, MediaKind


def _as_uuid(passthrough: str | None) -> uuid.UUID | None:
    try:
        return uuid.UUID(passthrough) if passthrough else None
    except ValueError:
        return None


async def _video_by_id(session: AsyncSession, asset_id: uuid.UUID) -> uuid.UUID | None:
    found: uuid.UUID | None = await session.scalar(
        select(MediaAsset.id).where(MediaAsset.id == asset_id, MediaAsset.kind == MediaKind.VIDEO)
    )
    return found


async def by_mux_asset(session: AsyncSession, mux_asset_id: str) -> uuid.UUID | None:
    found: uuid.UUID | None = await session.scalar(
        select(MediaAsset.id).where(MediaAsset.mux_asset_id == mux_asset_id)
    )
    return found


async def by_mux_upload(session: AsyncSession, mux_upload_id: str) -> uuid.UUID | None:
    found: uuid.UUID | None = await session.scalar(
        select(MediaAsset.id).where(MediaAsset.mux_upload_id == mux_upload_id)
    )
    return found


async def find_for_upload(
    session: AsyncSession, passthrough: str | None, mux_upload_id: str
) -> uuid.UUID | None:
    """Our asset behind a Mux upload: its ``passthrough`` is our asset id; the upload id is the
    fallback (both are written when the api creates the upload)."""
    asset_id = _as_uuid(passthrough)
    if asset_id is not None and (found := await _video_by_id(session, asset_id)):
        return found
    return await by_mux_upload(session, mux_upload_id)


async def find_for_asset(
    session: AsyncSession, passthrough: str | None, mux_asset_id: str, mux_upload_id: str | None
) -> uuid.UUID | None:
    """Our asset behind a Mux asset: by passthrough, then the Mux asset id, then its upload."""
    asset_id = _as_uuid(passthrough)
    if asset_id is not None and (found := await _video_by_id(session, asset_id)):
        return found
    if found := await by_mux_asset(session, mux_asset_id):
        return found
    return await by_mux_upload(session, mux_upload_id) if mux_upload_id else None
