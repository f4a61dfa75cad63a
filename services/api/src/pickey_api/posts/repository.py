"""Queries on posts and the rows that hang off them. Each page-wide query takes every post of
the page at once, so presenting a page costs a fixed number of queries."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Comment,
    Creator,
    Like,
    LiveStream,
    MediaAsset,
    MediaStatus,
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


# Page-wide reads (one query each, for every post of a page).


async def creators_by_id(
    session: AsyncSession, creator_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, Creator]:
    if not creator_ids:
        return {}
    rows = await session.scalars(select(Creator).where(Creator.id.in_(creator_ids)))
    return {creator.id: creator for creator in rows}


async def listed_tiers_of_posts(
    session: AsyncSession, post_ids: Collection[uuid.UUID]
) -> list[tuple[uuid.UUID, Tier]]:
    if not post_ids:
        return []
    rows = await session.execute(
        select(PostTier.post_id, Tier)
        .join(Tier, Tier.id == PostTier.tier_id)
        .where(PostTier.post_id.in_(post_ids))
    )
    return [(post_id, tier) for post_id, tier in rows]


async def open_tiers_of_creators(
    session: AsyncSession, creator_ids: Collection[uuid.UUID]
) -> list[Tier]:
    """Tiers fans can still join (not archived); a creator has a handful of them."""
    if not creator_ids:
        return []
    return list(
        await session.scalars(
            select(Tier).where(Tier.creator_id.in_(creator_ids), Tier.archived_at.is_(None))
        )
    )


async def live_streams_of_posts(
    session: AsyncSession, post_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, LiveStream]:
    if not post_ids:
        return {}
    rows = await session.scalars(select(LiveStream).where(LiveStream.post_id.in_(post_ids)))
    return {stream.post_id: stream for stream in rows}


@dataclass(frozen=True)
class AttachedAsset:
    id: uuid.UUID
    status: MediaStatus
    failure_code: str | None


async def assets_of_posts(
    session: AsyncSession, post_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, list[AttachedAsset]]:
    """Every attached asset (ready or not) per post, in gallery order, with its state."""
    result: dict[uuid.UUID, list[AttachedAsset]] = {post_id: [] for post_id in post_ids}
    if not post_ids:
        return result
    rows = await session.execute(
        select(MediaAsset.post_id, MediaAsset.id, MediaAsset.status, MediaAsset.failure_code)
        .where(MediaAsset.post_id.in_(post_ids))
        .order_by(MediaAsset.post_id, MediaAsset.position)
    )
    for post_id, asset_id, status, failure_code in rows:
        assert post_id is not None
        result[post_id].append(AttachedAsset(asset_id, status, failure_code))
    return result


async def like_stats(
    session: AsyncSession, viewer_id: uuid.UUID | None, post_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, tuple[int, bool]]:
    """(likes, liked by the viewer) per post, from the likes primary key (post_id, user_id)."""
    if not post_ids:
        return {}
    liked_by_viewer = (
        func.bool_or(Like.user_id == viewer_id) if viewer_id is not None else func.bool_or(False)
    )
    rows = await session.execute(
        select(Like.post_id, func.count(), liked_by_viewer)
        .where(Like.post_id.in_(post_ids))
        .group_by(Like.post_id)
    )
    return {post_id: (int(count), bool(liked)) for post_id, count, liked in rows}


async def comment_counts(
    session: AsyncSession, post_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    if not post_ids:
        return {}
    rows = await session.execute(
        select(Comment.post_id, func.count())
        .where(Comment.post_id.in_(post_ids), Comment.deleted_at.is_(None))
        .group_by(Comment.post_id)
    )
    return {post_id: int(count) for post_id, count in rows}
