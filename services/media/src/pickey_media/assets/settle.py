"""What follows when an asset changes state: its post's readiness and, for a failure, the
creator's notice. Images, videos and live recordings all come through here, so there is one path
for each consequence.

- Readiness is :func:`pickey_core.post_readiness.settle_media_change` (shared with the api):
  recomputing it may list the post and enqueue the new-post announcement, once; a change of
  readiness bumps the creator's ``posts_version`` (the api's cache key of their post lists).
- A failed asset enqueues ``AnnounceMediaFailed`` once per asset, guarded by an idempotency key
  in the same transaction (the notifications service deduplicates again on its side).

Callers hold the post's row lock (:func:`~pickey_media.assets.repository.lock_asset_and_post`).
"""

from __future__ import annotations

from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core import idempotency, post_readiness
from pickey_core.models import MediaAsset, Post
from pickey_core.queue.contracts import AnnounceMediaFailed
from pickey_core.queue.outbox import enqueue

logger = structlog.get_logger(__name__)


def failure_notice_key(asset: MediaAsset) -> str:
    """Our own key: distinct from the consumer's ``media_failed:<id>`` so neither blocks the
    other in the shared ``idempotency_keys`` table."""
    return f"media:announce_media_failed:{asset.id}"


async def refresh_post(session: AsyncSession, post: Post | None) -> None:
    """Recompute the (locked) post's ``media_ready`` after one of its assets changed state."""
    if post is None:
        await session.flush()
        return
    await post_readiness.settle_media_change(session, post, datetime.now(UTC))


async def announce_failure(session: AsyncSession, asset: MediaAsset) -> None:
    """Tell the creator their photo or video failed (``failure_reason`` says why), once."""
    if await idempotency.claim(session, failure_notice_key(asset)):
        enqueue(session, AnnounceMediaFailed(asset_id=asset.id))
        logger.info("media failure announced", asset_id=str(asset.id))
