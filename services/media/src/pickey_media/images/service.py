"""State changes of image assets and of their post; flushes, never commits.

An image moves ``uploaded → processing → ready | failed``. ``processing`` is committed before the
(slow) decoding starts, so the creator sees progress; a run cut off there (a deploy's SIGTERM
after the completion wait) leaves the asset ``processing`` and the job back in the queue, and the
re-run picks it up. The final step re-reads the asset under a row lock and does nothing unless it
is still unsettled, so the job may run twice (a retry, a re-push by the outbox sweeper) without
recording its variants twice. The post's readiness is recomputed only when an asset settles:
a post is never ready while one of its images is still on its way.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.media_failures import FailureCode
from pickey_core.models import MediaAsset, MediaKind, MediaStatus, Post, PostAccess
from pickey_media.assets import repository, settle

logger = structlog.get_logger(__name__)

# Not settled yet: the job still has work to do.
UNSETTLED = frozenset({MediaStatus.UPLOADED, MediaStatus.PROCESSING})


@dataclass(frozen=True)
class PendingImage:
    """What the job needs to know about an asset before it leaves the transaction."""

    asset_id: uuid.UUID
    original_key: str
    needs_teaser: bool


async def start_processing(session: AsyncSession, asset_id: uuid.UUID) -> PendingImage | None:
    """Mark the image ``processing`` and say what to make; None if there is nothing to do.

    A teaser is made unless the asset belongs to a public post: a post's access may still
    change, and an asset not yet attached may end up in a locked post, where the teaser is all
    non-members see.
    """
    asset, post = await repository.lock_asset_and_post(session, asset_id)
    if asset is None or asset.kind is not MediaKind.IMAGE:
        logger.warning("image job for an asset that is not an image", asset_id=str(asset_id))
        return None
    if asset.status not in UNSETTLED:
        logger.info("image already settled", asset_id=str(asset_id), status=asset.status.value)
        return None
    if asset.original_key is None:
        await _fail(
            session,
            asset,
            post,
            "The upload has no file. Please upload it again.",
            FailureCode.NO_FILE,
        )
        return None
    asset.status = MediaStatus.PROCESSING
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
    asset, post = await repository.lock_asset_and_post(session, asset_id)
    if asset is None or asset.status not in UNSETTLED:
        return False
    asset.status = MediaStatus.READY
    asset.failure_reason = None
    asset.failure_code = None
    asset.content_type = content_type
    asset.width = width
    asset.height = height
    asset.byte_size = byte_size
    asset.variants = variants
    await settle.refresh_post(session, post)
    return True


async def mark_failed(
    session: AsyncSession, asset_id: uuid.UUID, reason: str, code: FailureCode
) -> bool:
    """Fail the asset: ``code`` is what its creator reads, ``reason`` the detail for support;
    False if it was already settled."""
    asset, post = await repository.lock_asset_and_post(session, asset_id)
    if asset is None or asset.status not in UNSETTLED:
        return False
    await _fail(session, asset, post, reason, code)
    return True


async def _fail(
    session: AsyncSession, asset: MediaAsset, post: Post | None, reason: str, code: FailureCode
) -> None:
    logger.info("image refused", asset_id=str(asset.id), reason=code.value)
    asset.status = MediaStatus.FAILED
    asset.failure_reason = reason
    asset.failure_code = code
    await settle.refresh_post(session, post)
    await settle.announce_failure(session, asset)
