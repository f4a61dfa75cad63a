"""Avatars and covers as anyone sees them: public images, every variant, short-lived URLs.

A profile image must be an image the creator uploaded for the profile, processed and ready
(:func:`pickey_api.creators.service.check_profile_image`), so showing all of it is safe.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.uploads.schemas import MediaRead
from pickey_api.uploads.urls import URL_TTL_SECONDS
from pickey_core.models import MediaAsset, MediaStatus
from pickey_core.storage import Storage


async def profile_images(
    session: AsyncSession, storage: Storage, asset_ids: Iterable[uuid.UUID | None]
) -> dict[uuid.UUID, MediaRead]:
    """The ready images among ``asset_ids``, by id, in one query whatever their number."""
    wanted = {asset_id for asset_id in asset_ids if asset_id is not None}
    if not wanted:
        return {}
    assets = await session.scalars(
        select(MediaAsset).where(MediaAsset.id.in_(wanted), MediaAsset.status == MediaStatus.READY)
    )
    return {asset.id: await _read(storage, asset) for asset in assets}


async def _read(storage: Storage, asset: MediaAsset) -> MediaRead:
    urls = {
        name: await storage.presign_download(variant["key"], expires_in=URL_TTL_SECONDS)
        for name, variant in asset.variants.items()
    }
    return MediaRead(
        id=asset.id,
        kind=asset.kind,
        status=asset.status,
        position=asset.position,
        width=asset.width,
        height=asset.height,
        urls=urls,
    )
