"""State changes of image assets and of their post; flushes, never commits.

An asset moves ``uploaded → ready | failed`` exactly once: every change re-reads the asset under
a row lock and does nothing unless it is still ``uploaded``, so the job may run twice (a retry,
a re-push by the outbox sweeper) without producing its variants twice.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core import post_readiness
from pickey_core.models import (
    MediaAsset,
    MediaKind,
    MediaStatus,
    PostAccess,
)
from pickey_media.images import repository

logger = structlog.get_logger(__name__)


@dataclass(frozen=True)
class PendingImage:
    """What the job needs to know about an asset before it leaves the transaction."""

    asset_id: uuid.UUID
    original_key: str
    needs_teaser: bool


async def pending_image(session: AsyncSession, asset_id: uuid.UUID) -> PendingImage | None:
    """The asset if it is an image still waiting to be processed; None if there is nothing to do.

    A teaser is made unless the asset belongs to a public post: a post's access may still
    change, and an asset not yet attached may end up in a locked post, where the teaser is all
    non-members see.
    """
    asset = await repository.get_asset(session, asset_id)
    if asset is None or asset.kind is not MediaKind.IMAGE:
        logger.warning("image job for an asset that is not an image", asset_id=str(asset_id))
        return None
    if asset.status is not MediaStatus.UPLOADED:
        logger.info("image already settled", asset_id=str(asset_id), status=asset.status.value)
        return None
    if asset.original_key is None:
        await _fail(session, asset, "The upload has no file. Please upload it again.")
        return None
    post = await repository.get_post(session, asset.post_id) if asset.post_id else None
    needs_teaser = post is None or post.access is not PostAccess.PUBLIC
    return PendingImage(asset.id, asset.original_key, needs_teaser)


async def mark_ready(
    session: AsyncSession,
    asset_id: uuid.UUID,
    *,
    content_type: str,
    width: int,
    height: int,
    byte_size: int,
    variants: dict[str, dict[str, Any]],
) -> bool:
    """Record the variants and make the asset ready; False (nothing written) if another run
    settled it meanwhile, and the caller should remove what it stored."""
    asset = await repository.get_asset(session, asset_id, for_update=True)
    if asset is None or asset.status is not MediaStatus.UPLOADED:
        return False
    asset.status = MediaStatus.READY
    asset.failure_reason = None
    asset.content_type = content_type
    asset.width = width
    asset.height = height
    asset.byte_size = byte_size
    asset.variants = variants
    await _refresh_post(session, asset)
    return True


async def mark_failed(session: AsyncSession, asset_id: uuid.UUID, reason: str) -> bool:
    """Fail the asset with a reason its creator can read; False if it was already settled."""
    asset = await repository.get_asset(session, asset_id, for_update=True)
    if asset is None or asset.status is not MediaStatus.UPLOADED:
        return False
    await _fail(session, asset, reason)
    return True


async def _fail(session: AsyncSession, asset: MediaAsset, reason: str) -> None:
    logger.info("image refused", asset_id=str(asset.id), reason=reason)
    asset.status = MediaStatus.FAILED
    asset.failure_reason = reason
    await _refresh_post(session, asset)


async def _refresh_post(session: AsyncSession, asset: MediaAsset) -> None:
    """Recompute the post's ``media_ready`` after one of its assets changed state.

    The rule is :mod:`pickey_core.post_readiness` (shared with the api); a change of readiness
    bumps the creator's ``posts_version`` (the api's cache key of their post lists).
    """
    await session.flush()
    if asset.post_id is None:
        return
    post = await repository.get_post(session, asset.post_id, for_update=True)
    if post is None:
        return
    changed = await post_readiness.refresh(session, post, datetime.now(UTC))
    await session.flush()
    if changed:
        await repository.bump_posts_version(session, post.creator_id)
