"""Moving one locked video asset to the state a Mux event asks for, and what follows.

Shared by uploaded videos (:mod:`pickey_media.videos.service`) and live recordings
(:mod:`pickey_media.live.recordings`).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.media_failures import FailureCode
from pickey_core.models import MediaAsset, MediaStatus, Post
from pickey_media.assets import settle
from pickey_media.mux_events.outcome import Outcome
from pickey_media.mux_events.schemas import AssetData
from pickey_media.videos.states import Change, applies


async def move(
    session: AsyncSession,
    asset: MediaAsset,
    post: Post | None,
    change: Change,
    data: AssetData | None = None,
) -> Outcome:
    """Apply ``change`` if it moves the (locked) asset forward, then settle what follows."""
    if not applies(asset.status, change):
        return Outcome.STALE
    asset.status = change.status
    if change.status is MediaStatus.READY and data is not None:
        asset.failure_reason = None
        asset.failure_code = None
        record_playback(asset, data)
    elif change.status is MediaStatus.FAILED:
        asset.failure_reason = change.reason
        asset.failure_code = change.code or FailureCode.PROCESSING_FAILED
    await settle.refresh_post(session, post)
    if change.notify:
        await settle.announce_failure(session, asset)
    return Outcome.APPLIED


def record_playback(asset: MediaAsset, data: AssetData) -> None:
    """Playback id (the one of the policy the upload asked for), duration and aspect ratio."""
    wanted = [item for item in data.playback_ids if item.policy == asset.playback_policy]
    candidates = wanted or data.playback_ids
    if candidates:
        asset.playback_id = candidates[0].id
        asset.playback_policy = candidates[0].policy[:16]
    if data.duration is not None:
        asset.duration_seconds = data.duration
    if data.aspect_ratio is not None:
        asset.aspect_ratio = data.aspect_ratio
