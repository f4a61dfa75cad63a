"""Queries on posts and the rows that hang off them. The page-wide reads of presenting a page
are in :mod:`pickey_api.posts.page_reads` (one statement for the whole page)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import delete, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Creator,
    MediaAsset,
    Post,
    PostStatus,
    PostTier,
    Tier,
)


async def bump_posts_version(session: AsyncSession, creator_ids: Collection[uuid.UUID]) -> None:
    """Invalidate the cached public post lists of these creators (in this transaction)."""
    if creator_ids:
        await session.execute(
            update(Creator)
            .where(Creator.id.in_(sorted(creator_ids)))
            .values(posts_version=Creator.posts_version + 1)
        )


async def tiers_of_creator(
    session: AsyncSession, creator_id: uuid.UUID, tier_ids: Collection[uuid.UUID]
) -> list[Tier]:
    if not tier_ids:
        return []
    return list(
        await session.scalars(
            select(Tier).where(Tier.creator_id == creator_id, Tier.id.in_(tier_ids))
        )
    )


async def listed_tier_ids(session: AsyncSession, post_id: uuid.UUID) -> list[uuid.UUID]:
    return list(await session.scalars(select(PostTier.tier_id).where(PostTier.post_id == post_id)))


async def replace_listed_tiers(
    session: AsyncSession, post_id: uuid.UUID, tier_ids: Sequence[uuid.UUID]
) -> None:
    await session.execute(delete(PostTier).where(PostTier.post_id == post_id))
    session.add_all(PostTier(post_id=post_id, tier_id=tier_id) for tier_id in tier_ids)
    await session.flush()


async def lock_assets(session: AsyncSession, asset_ids: Collection[uuid.UUID]) -> list[MediaAsset]:
    """The assets, locked: two posts can never both take the same asset."""
    if not asset_ids:
        return []
    return list(
        await session.scalars(
            select(MediaAsset)
            .where(MediaAsset.id.in_(asset_ids))
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    )


async def due_scheduled_posts(session: AsyncSession, now: datetime, limit: int) -> list[Post]:
    """Scheduled posts whose time has come, locked; rows another worker holds are skipped.

    Reads ``ix_posts_scheduled_due`` (partial on scheduled, not deleted), soonest first.
    """
    return list(
        await session.scalars(
            select(Post)
            .where(
                # Literal, not a bound parameter: the partial index's predicate must be provable
                # from the query text, or a cached generic plan cannot use it.
                text(f"posts.status = '{PostStatus.SCHEDULED.value}'"),
                Post.deleted_at.is_(None),
                Post.publish_at <= now,
            )
            .order_by(Post.publish_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


async def creators_by_id(
    session: AsyncSession, creator_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Creator]:
    if not creator_ids:
        return {}
    rows = await session.scalars(select(Creator).where(Creator.id.in_(creator_ids)))
    return {creator.id: creator for creator in rows}
