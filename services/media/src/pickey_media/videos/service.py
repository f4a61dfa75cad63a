"""Apply Mux upload and asset events to our video assets; flushes, never commits.

The asset and its post are locked (post first) before anything is decided, so two events about
one asset, handled by two jobs at once, apply one after the other. Links between Mux objects and
our rows: the upload's and asset's ``passthrough`` is our asset id (the api sets it), and the
Mux upload and asset ids are stored on the row as soon as we learn them. An id that is not ours,
or an object that contradicts what we stored, is logged and ignored. Assets recorded from a live
stream never reach this module: :mod:`pickey_media.webhooks.events` routes them to
:mod:`pickey_media.live.recordings`.
"""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import MediaAsset, MediaKind
from pickey_media.assets import repository as assets
from pickey_media.mux_events.outcome import Outcome
from pickey_media.mux_events.schemas import AssetData, UploadData
from pickey_media.videos import repository
from pickey_media.videos.states import UPLOAD_ASSET_CREATED, asset_change
from pickey_media.videos.states import upload_change as change_for_upload
from pickey_media.videos.transitions import move

logger = structlog.get_logger(__name__)


async def apply_upload_event(session: AsyncSession, event_type: str, upload: UploadData) -> Outcome:
    change = change_for_upload(event_type, upload)
    if change is None:
        return Outcome.IGNORED
    asset_id = await repository.find_for_upload(session, upload.passthrough, upload.id)
    asset, post = await assets.lock_asset_and_post(session, asset_id) if asset_id else (None, None)
    if asset is None or asset.kind is not MediaKind.VIDEO:
        return Outcome.UNKNOWN
    if asset.mux_upload_id not in (None, upload.id):
        logger.warning("mux upload does not match our asset", asset_id=str(asset.id))
        return Outcome.UNKNOWN
    if event_type == UPLOAD_ASSET_CREATED and upload.asset_id:
        await _link_mux_asset(session, asset, upload.asset_id)
    return await move(session, asset, post, change)


async def apply_asset_event(session: AsyncSession, event_type: str, data: AssetData) -> Outcome:
    change = asset_change(event_type, data)
    if change is None:
        return Outcome.IGNORED
    assert data.live_stream_id is None, "live recordings are routed to pickey_media.live"
    asset_id = await repository.find_for_asset(session, data.passthrough, data.id, data.upload_id)
    asset, post = await assets.lock_asset_and_post(session, asset_id) if asset_id else (None, None)
    if asset is None or asset.kind is not MediaKind.VIDEO:
        return Outcome.UNKNOWN
    if asset.mux_asset_id not in (None, data.id):
        logger.warning("mux asset does not match our asset", asset_id=str(asset.id))
        return Outcome.UNKNOWN
    await _link_mux_asset(session, asset, data.id)
    return await move(session, asset, post, change, data)


async def _link_mux_asset(session: AsyncSession, asset: MediaAsset, mux_asset_id: str) -> None:
    """Remember the Mux asset of our upload, unless another row already claims that id."""
    if asset.mux_asset_id is not None:
        return
    holder = await repository.by_mux_asset(session, mux_asset_id)
    if holder is not None and holder != asset.id:
        logger.warning("mux asset already linked to another asset", asset_id=str(asset.id))
        return
    asset.mux_asset_id = mux_asset_id
