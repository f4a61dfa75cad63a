"""Route a stored Mux event to the domain it is about, by its type.

``video.upload.*`` and ``video.asset.*`` go to :mod:`pickey_media.videos.service` (assets with a
``live_stream_id``, recordings of a broadcast, to :mod:`pickey_media.live.recordings`),
``video.live_stream.*`` to
:mod:`pickey_media.live.service`; any other type is stored and ignored. An event Mux signed but
whose ``data`` is not the documented object is :attr:`Outcome.UNREADABLE`: retrying cannot
help, so it is kept (with the reason in ``last_error``) for a person to look at.
"""

from __future__ import annotations

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import InboxEvent
from pickey_media.live import recordings
from pickey_media.live import service as live
from pickey_media.mux_events.outcome import Outcome
from pickey_media.mux_events.schemas import AssetData, LiveStreamData, MuxEvent, UploadData
from pickey_media.videos import service as videos


async def apply(session: AsyncSession, stored: InboxEvent) -> Outcome:
    try:
        event = MuxEvent.model_validate(stored.payload)
        if event.type.startswith("video.upload."):
            upload = UploadData.model_validate(event.data)
            return await videos.apply_upload_event(session, event.type, upload)
        if event.type.startswith("video.asset."):
            asset = AssetData.model_validate(event.data)
            if asset.live_stream_id is not None:
                return await recordings.apply_asset_event(session, event.type, asset)
            return await videos.apply_asset_event(session, event.type, asset)
        if event.type.startswith("video.live_stream."):
            stream = LiveStreamData.model_validate(event.data)
            return await live.apply_event(session, event.type, event.created_at, stream, event.id)
    except ValidationError as error:
        stored.last_error = f"unreadable: {error}"[:2000]
        return Outcome.UNREADABLE
    return Outcome.IGNORED
