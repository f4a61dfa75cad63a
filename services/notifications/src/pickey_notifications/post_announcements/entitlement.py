"""Who a post is open to, for choosing recipients and what they are told. The tier rule is the
api's (:mod:`pickey_core.tier_access`); memberships count while held (active or past due)."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator, Membership, Post, PostAccess, PostTier, PostUnlock, Tier
from pickey_core.models.memberships import HELD_STATUSES
from pickey_core.tier_access import tier_opens_post


async def opening_tier_ids(session: AsyncSession, post: Post) -> set[uuid.UUID]:
    """The creator's tiers whose members may read ``post``: all for a public post, those the
    tier rule opens for a members-only post, none for a paid post (an unlock opens it)."""
    tiers = (
        await session.execute(
            select(Tier.id, Tier.price_amount).where(Tier.creator_id == post.creator_id)
        )
    ).all()
    if post.access is PostAccess.PUBLIC:
        return {tier_id for tier_id, _ in tiers}
    if post.access is PostAccess.PAID:
        return set()
    listed = set(await session.scalars(select(PostTier.tier_id).where(PostTier.post_id == post.id)))
    return {
        tier_id
        for tier_id, price in tiers
        if tier_opens_post(
            tier_id, price, listed_tier_ids=listed, min_tier_price=post.min_tier_price
        )
    }


async def may_read(session: AsyncSession, user_id: uuid.UUID, post: Post) -> bool:
    """Whether ``user_id`` may read ``post`` in full now (its creator, public, an opening
    membership held, or unlocked)."""
    if post.access is PostAccess.PUBLIC:
        return True
    if await session.scalar(
        select(exists().where(Creator.id == post.creator_id, Creator.user_id == user_id))
    ):
        return True
    if post.access is PostAccess.PAID:
        return bool(
            await session.scalar(
                select(exists().where(PostUnlock.post_id == post.id, PostUnlock.user_id == user_id))
            )
        )
    opening = await opening_tier_ids(session, post)
    return bool(opening) and bool(
        await session.scalar(
            select(
                exists().where(
                    Membership.fan_id == user_id,
                    Membership.creator_id == post.creator_id,
                    Membership.status.in_(HELD_STATUSES),
                    Membership.tier_id.in_(opening),
                )
            )
        )
    )
