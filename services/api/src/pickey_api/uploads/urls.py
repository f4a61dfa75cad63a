"""Media of a page of posts with the URLs each viewer may have, in one query for the page.

Images: entitled viewers get a short-lived presigned URL per variant; others only the
``teaser`` variant. Videos: entitled viewers get the Mux playback id, and for ``signed`` playback
ids short-lived video, thumbnail and storyboard tokens; others get nothing but a teaser variant,
if the media service made one. Presigning and signing are local computations, not requests.

Signed playback needs a :class:`PlaybackSigner` (``PlaybackSignerDep`` in endpoints). Without
one, signed videos come back without ``playback`` (nothing a player could use), public ones
with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.post_access.entitlements import Access
from pickey_api.uploads.schemas import MediaAssetRead, MediaFailureRead, MediaRead, VideoPlayback
from pickey_core.models import MediaAsset, MediaKind, MediaStatus, Post
from pickey_core.providers.mux import PlaybackPolicy
from pickey_core.providers.mux_tokens import (
    PlaybackSigner,
    storyboard_url,
    thumbnail_url,
    video_url,
)
from pickey_core.storage import Storage

# Long enough to load a page and scroll it, short enough that a shared link soon stops working.
URL_TTL_SECONDS = 15 * 60
TEASER_VARIANT = "teaser"


async def media_for_posts(
    session: AsyncSession,
    storage: Storage,
    posts: Sequence[Post],
    access: dict[uuid.UUID, Access],
    *,
    playback: PlaybackSigner | None = None,
) -> dict[uuid.UUID, list[MediaRead]]:
    """Each post's ready media, ordered by position; URLs only as far as ``access`` allows."""
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
    by_post: dict[uuid.UUID, list[MediaAsset]] = {}
    for asset in assets:
        assert asset.post_id is not None
        by_post.setdefault(asset.post_id, []).append(asset)
    return await media_of(storage, posts, by_post, access, playback=playback)


async def media_of(
    storage: Storage,
    posts: Sequence[Post],
    assets: dict[uuid.UUID, list[MediaAsset]],
    access: dict[uuid.UUID, Access],
    *,
    playback: PlaybackSigner | None = None,
) -> dict[uuid.UUID, list[MediaRead]]:
    """Each post's media from its assets already read (in gallery order; those not ready are
    skipped); URLs only as far as ``access`` allows."""
    result: dict[uuid.UUID, list[MediaRead]] = {post.id: [] for post in posts}
    now = datetime.now(UTC)
    for post in posts:
        entitled = access.get(post.id) in (Access.FULL, Access.OWNER)
        for asset in assets.get(post.id, ()):
            if asset.status is MediaStatus.READY:
                result[post.id].append(await _read(storage, asset, entitled, playback, now))
    return result


def playback_for(
    playback_id: str,
    policy: str | None,
    signer: PlaybackSigner | None,
    *,
    now: datetime | None = None,
) -> VideoPlayback | None:
    """A player's view of one playback id (a video's or a live stream's), for an entitled
    viewer; None when it is signed and there is nothing to sign with."""
    if policy == PlaybackPolicy.PUBLIC:
        return VideoPlayback(
            playback_id=playback_id,
            policy=policy,
            stream_url=video_url(playback_id),
            thumbnail_url=thumbnail_url(playback_id),
            storyboard_url=storyboard_url(playback_id),
        )
    if signer is None:
        return None
    tokens = signer.tokens(playback_id, now=now)
    return VideoPlayback(
        playback_id=playback_id,
        policy=PlaybackPolicy.SIGNED.value,
        stream_url=video_url(playback_id, tokens.video),
        thumbnail_url=thumbnail_url(playback_id, tokens.thumbnail),
        storyboard_url=storyboard_url(playback_id, tokens.storyboard),
        video_token=tokens.video,
        thumbnail_token=tokens.thumbnail,
        storyboard_token=tokens.storyboard,
        expires_at=tokens.expires_at,
    )


async def variant_urls(storage: Storage, asset: MediaAsset, *, teaser_only: bool) -> dict[str, str]:
    """Short-lived URLs of the asset's stored variants (only the teaser for others)."""
    return {
        name: await storage.presign_download(variant["key"], expires_in=URL_TTL_SECONDS)
        for name, variant in asset.variants.items()
        if not teaser_only or name == TEASER_VARIANT
    }


async def asset_for_owner(storage: Storage, asset: MediaAsset) -> MediaAssetRead:
    """An upload as its owner sees it, with every variant's URL once it is ready."""
    ready = asset.status is MediaStatus.READY
    failure = (
        MediaFailureRead.of(asset.failure_code) if asset.status is MediaStatus.FAILED else None
    )
    return MediaAssetRead(
        id=asset.id,
        kind=asset.kind,
        status=asset.status,
        failure=failure,
        failure_reason=failure.text["en"] if failure else None,
        post_id=asset.post_id,
        position=asset.position,
        content_type=asset.content_type,
        byte_size=asset.byte_size,
        width=asset.width,
        height=asset.height,
        duration_seconds=asset.duration_seconds,
        aspect_ratio=asset.aspect_ratio,
        urls=await variant_urls(storage, asset, teaser_only=False) if ready else {},
        created_at=asset.created_at,
        updated_at=asset.updated_at,
    )


async def _read(
    storage: Storage,
    asset: MediaAsset,
    entitled: bool,
    signer: PlaybackSigner | None,
    now: datetime,
) -> MediaRead:
    playback = None
    if asset.kind is MediaKind.VIDEO and entitled and asset.playback_id:
        playback = playback_for(asset.playback_id, asset.playback_policy, signer, now=now)
    return MediaRead(
        id=asset.id,
        kind=asset.kind,
        status=asset.status,
        position=asset.position,
        width=asset.width if entitled else None,
        height=asset.height if entitled else None,
        urls=await variant_urls(storage, asset, teaser_only=not entitled),
        duration_seconds=asset.duration_seconds if entitled else None,
        aspect_ratio=asset.aspect_ratio if entitled else None,
        playback=playback,
    )
