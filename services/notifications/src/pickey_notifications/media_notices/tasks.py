"""Job: tell a creator that one of their photos or videos could not be processed, with our
reason code and its cs/en text (:mod:`pickey_core.media_failures`), never the provider's raw
message. Skipped when the asset is no longer failed (a retry fixed it)
or gone."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.media_failures import FailureCode, texts
from pickey_core.models import MediaAsset, MediaStatus, Post, User
from pickey_core.queue.contracts import AnnounceMediaFailed
from pickey_notifications.deliveries.notify import notify
from pickey_notifications.deliveries.planning import Outgoing
from pickey_notifications.kinds import Kind
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

logger = structlog.get_logger(__name__)


async def announce_media_failed(ctx: NotificationsJobContext, payload: AnnounceMediaFailed) -> None:
    async def recipients(session: AsyncSession) -> list[Outgoing]:
        asset = await session.get(MediaAsset, payload.asset_id)
        if asset is None or asset.status is not MediaStatus.FAILED:
            logger.info("media failure notice skipped: the asset is not failed")
            return []
        owner = await session.get(User, asset.owner_id)
        if owner is None or owner.deleted_at is not None:
            return []
        post = await session.get(Post, asset.post_id) if asset.post_id else None
        data = {
            "asset_id": str(asset.id),
            "media_kind": asset.kind.value,
            "post_id": str(post.id) if post else None,
            "post_title": post.title if post else None,
            # Our reason, never the provider's words (those stay on the asset for support).
            "reason_code": asset.failure_code or FailureCode.PROCESSING_FAILED.value,
            "reason_text": texts(asset.failure_code),
        }
        return [Outgoing(owner.id, owner.email, Kind.MEDIA_FAILED, data)]

    await notify(ctx, f"media_failed:{payload.asset_id}", recipients)
