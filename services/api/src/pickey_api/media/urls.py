"""Media of a page of posts with the URLs each viewer may have, in one query for the page."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.media.schemas import MediaRead
from pickey_api.posts.access import Access
from pickey_core.models import MediaAsset, MediaKind, MediaStatus, Post
from pickey_core.storage import Storage

# Long enough to load a page and scroll it, short enough that a shared link soon stops working.
URL_TTL_SECONDS = 15 * 60
TEASER_VARIANT = "teaser"


async def media_for_posts(
    session: AsyncSession,
    storage: Storage,
    posts: Sequence[Post],
    access: dict[uuid.UUID, Access],
) -> dict[uuid.UUID, list[MediaRead]]:
    """Each post's media, ordered by position; URLs only as far as ``access`` allows."""
    result: dict[uuid.UUID, list[MediaRead]] = {post.id: [] for post in posts}
    if not posts:
        return result
    assets = await session.scalars(
        select(MediaAsset)
        .where(
            MediaAsset.post_id.in_([post.id for post in posts]),
            MediaAsset.status == MediaStatus.READY,
        )
        .order_by(MediaAsset.post_id, MediaAsset.position)
    )
    for asset in assets:
        assert asset.post_id is not None
        entitled = access.get(asset.post_id) in (Access.FULL, Access.OWNER)
        result[asset.post_id].append(await _read(storage, asset, entitled))
    return result


async def _read(storage: Storage, asset: MediaAsset, entitled: bool) -> MediaRead:
    urls: dict[str, str] = {}
    if asset.kind is MediaKind.IMAGE:
        for name, variant in asset.variants.items():
            if entitled or name == TEASER_VARIANT:
                urls[name] = await storage.presign_download(
                    variant["key"], expires_in=URL_TTL_SECONDS
                )
    return MediaRead(
        id=asset.id,
        kind=asset.kind,
        status=asset.status,
        position=asset.position,
        width=asset.width if entitled else None,
        height=asset.height if entitled else None,
        urls=urls,
    )
