"""Queries on creator profiles and what their public page shows."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import exists, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator, Follow, Membership, Post, Tier, User
from pickey_core.models.memberships import HELD_STATUSES
from pickey_core.models.posts import FEED_VISIBLE


@dataclass(frozen=True)
class Counts:
    members: int
    posts: int
    followers: int


async def by_slug(session: AsyncSession, slug: str) -> Creator | None:
    """The creator at ``slug``; a deleted account has no page any more."""
    return await session.scalar(
        select(Creator)
        .join(User, User.id == Creator.user_id)
        .where(Creator.slug == slug, User.deleted_at.is_(None))
    )


async def slug_taken(session: AsyncSession, slug: str) -> bool:
    return bool(await session.scalar(select(exists().where(Creator.slug == slug))))


async def shown_tiers(session: AsyncSession, creator_id: uuid.UUID) -> list[Tier]:
    """Tiers open to new members, in the creator's order (index on creator and position)."""
    rows = await session.scalars(
        select(Tier)
        .where(Tier.creator_id == creator_id, Tier.archived_at.is_(None))
        .order_by(Tier.position, Tier.id)
    )
    return list(rows)


async def counts(session: AsyncSession, creator_id: uuid.UUID) -> Counts:
    """The page's three counts in one statement, each read from an index on the creator."""
    members = (
        select(func.count())
        .select_from(Membership)
        .where(Membership.creator_id == creator_id, Membership.status.in_(HELD_STATUSES))
        .scalar_subquery()
    )
    # FEED_VISIBLE as text so the planner matches the partial feed index exactly.
    posts = (
        select(func.count())
        .select_from(Post)
        .where(Post.creator_id == creator_id, text(FEED_VISIBLE))
        .scalar_subquery()
    )
    followers = (
        select(func.count())
        .select_from(Follow)
        .where(Follow.creator_id == creator_id)
        .scalar_subquery()
    )
    row = (await session.execute(select(members, posts, followers))).one()
    return Counts(members=row[0], posts=row[1], followers=row[2])


async def is_following(session: AsyncSession, user_id: uuid.UUID, creator_id: uuid.UUID) -> bool:
    return bool(
        await session.scalar(
            select(exists().where(Follow.follower_id == user_id, Follow.creator_id == creator_id))
        )
    )
