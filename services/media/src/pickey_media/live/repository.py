"""Queries on live streams and their recordings; each uses a unique or partial index.

Lock order, as everywhere in media: the post, then its live stream, then assets.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import LiveStream, MediaAsset, MediaKind, MediaStatus


async def post_of_stream(
    session: AsyncSession, mux_live_stream_id: str, passthrough: str | None = None
) -> uuid.UUID | None:
    """The live post whose stream this is: by the Mux id we stored, else by ``passthrough``
    (the api sets it to the post id), for a stream whose Mux id we have not stored (yet)."""
    found: uuid.UUID | None = await session.scalar(
        select(LiveStream.post_id).where(LiveStream.mux_live_stream_id == mux_live_stream_id)
    )
    if found is not None or passthrough is None:
        return found
    try:
        post_id = uuid.UUID(passthrough)
    except ValueError:
        return None
    found = await session.scalar(
        select(LiveStream.post_id).where(
            LiveStream.post_id == post_id, LiveStream.mux_live_stream_id.is_(None)
        )
    )
    return found


async def lock_stream(session: AsyncSession, post_id: uuid.UUID) -> LiveStream | None:
    return await session.scalar(
        select(LiveStream)
        .where(LiveStream.post_id == post_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def lock_recording(
    session: AsyncSession,
    *,
    mux_asset_id: str,
    stream: LiveStream,
    owner_id: uuid.UUID,
) -> MediaAsset:
    """The asset row of one broadcast's recording, made on the first event that mentions it.

    ``INSERT ... ON CONFLICT DO NOTHING`` on the unique Mux asset id: two jobs seeing the same
    new recording at once make one row. It starts detached (no post) and ``waiting``; the event
    being applied moves it on.
    """
    await session.execute(
        insert(MediaAsset)
        .values(
            id=uuid.uuid4(),
            owner_id=owner_id,
            kind=MediaKind.VIDEO,
            status=MediaStatus.WAITING,
            mux_asset_id=mux_asset_id,
            mux_live_stream_id=stream.mux_live_stream_id,
            playback_policy=stream.playback_policy,
        )
        .on_conflict_do_nothing(index_elements=["mux_asset_id"])
    )
    row = await session.scalar(
        select(MediaAsset)
        .where(MediaAsset.mux_asset_id == mux_asset_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    assert row is not None
    return row


async def detached_recordings(
    session: AsyncSession, mux_live_stream_id: str
) -> Sequence[MediaAsset]:
    """Recordings of one stream not yet on their post (the partial index on the stream id)."""
    rows = await session.scalars(
        select(MediaAsset)
        .where(
            MediaAsset.mux_live_stream_id == mux_live_stream_id,
            MediaAsset.post_id.is_(None),
        )
        .order_by(MediaAsset.created_at, MediaAsset.id)
        .with_for_update()
    )
    return rows.all()
