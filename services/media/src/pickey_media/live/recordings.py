"""Each broadcast of a live post is recorded by Mux as an asset; afterwards it is the post's video.

Mux creates the recording when the streamer connects and reports it like any asset
(``video.asset.created``, ``ready`` while still live, ``live_stream_completed`` when the
broadcast is over), with ``live_stream_id`` set. We keep one ``media_assets`` row per recording
(``mux_live_stream_id`` set, owned by the creator) and let it join the live post, at the next
free position, once its broadcast is over: during the broadcast viewers watch the live playback,
afterwards the recording. A broadcast is over when Mux says the recording is complete, or when
the stream went idle after the recording began (the idle event and the asset events can arrive
in any order, so both sides check).
"""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import LiveState, LiveStream, MediaAsset, MediaStatus, Post
from pickey_core.posts_version import bump_posts_version
from pickey_media.assets import repository as assets
from pickey_media.live import repository
from pickey_media.mux_events.outcome import Outcome
from pickey_media.mux_events.schemas import AssetData
from pickey_media.videos.states import asset_change
from pickey_media.videos.transitions import move, record_playback

logger = structlog.get_logger(__name__)

RECORDING_COMPLETED = "video.asset.live_stream_completed"
# Stream states in which no broadcast is running.
_BETWEEN_BROADCASTS = frozenset({LiveState.ENDED, LiveState.DISABLED})


async def apply_asset_event(session: AsyncSession, event_type: str, data: AssetData) -> Outcome:
    """Apply an asset event of a live recording; the recording joins its post when it is over."""
    assert data.live_stream_id is not None
    change = asset_change(event_type, data)
    if change is None:
        return Outcome.IGNORED
    post_id = await repository.post_of_stream(session, data.live_stream_id)
    post = await assets.get_post(session, post_id, for_update=True) if post_id else None
    stream = await repository.lock_stream(session, post.id) if post else None
    if post is None or stream is None:
        return Outcome.UNKNOWN
    owner_id = await assets.creator_user_id(session, post.creator_id)
    assert owner_id is not None
    recording = await repository.lock_recording(
        session, mux_asset_id=data.id, stream=stream, owner_id=owner_id
    )
    outcome = await move(session, recording, recording_post(recording, post), change, data)
    completed = event_type == RECORDING_COMPLETED
    if completed and recording.status is MediaStatus.READY:
        record_playback(recording, data)  # the final duration of the whole broadcast
    if recording.post_id is None and (completed or _broadcast_over(stream, data)):
        await attach(session, recording, post)
        outcome = Outcome.APPLIED
    return outcome


def recording_post(recording: MediaAsset, post: Post) -> Post | None:
    """The post whose readiness the recording affects: none until it has joined it."""
    return post if recording.post_id == post.id else None


def _broadcast_over(stream: LiveStream, data: AssetData) -> bool:
    """The stream went idle (or was disabled) after this recording began."""
    if stream.state not in _BETWEEN_BROADCASTS or stream.active_asset_id == data.id:
        return False
    began = data.started_at()
    return (
        began is not None
        and stream.state_changed_at is not None
        and (stream.state_changed_at >= began)
    )


async def attach_finished(session: AsyncSession, stream: LiveStream, post: Post) -> None:
    """The broadcast is over: every recording of this stream not on the post yet joins it."""
    assert stream.mux_live_stream_id is not None
    for recording in await repository.detached_recordings(session, stream.mux_live_stream_id):
        if recording.mux_asset_id != stream.active_asset_id:
            await attach(session, recording, post)


async def attach(session: AsyncSession, recording: MediaAsset, post: Post) -> None:
    """Put a recording on its (locked) live post, after its other media."""
    recording.position = await assets.count_post_assets(session, post.id)
    recording.post_id = post.id
    await session.flush()
    # The post's media changed: the api's cached lists of this creator's posts are stale.
    await bump_posts_version(session, post.creator_id)
    logger.info("live recording joined its post", post_id=str(post.id), asset_id=str(recording.id))
