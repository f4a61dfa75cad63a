"""Who may see what of a post. One place, used by posts, feeds, comments, polls, likes and uploads.

A viewer sees a post's body, media and poll results when:

* they are its creator (owner), or
* the post is public, or
* the post is for members and the viewer holds a membership (``active`` or ``past_due``: access
  continues while a failed renewal is retried) of a tier that opens the post: listed for it, or
  priced at or above its ``min_tier_price`` (:mod:`pickey_core.tier_access`, shared with the
  notifications service), or
* the post is paid and the viewer unlocked it.

Anyone else who may see that the post exists gets a teaser. A post that is not published (draft,
scheduled), deleted, or whose media is not ready exists only for its owner: others get 404.

Entitlements for a page of posts are computed in a fixed number of queries (three), whatever
the page size.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Creator,
    Membership,
    Post,
    PostAccess,
    PostTier,
    PostUnlock,
    Tier,
)
from pickey_core.models.memberships import HELD_STATUSES
from pickey_core.tier_access import tier_opens_post


class Access(StrEnum):
    OWNER = "owner"
    FULL = "full"  # entitled: body, media, results
    TEASER = "teaser"  # may know it exists: title, kind, blurred preview, unlocking tiers


@dataclass(frozen=True)
class HeldMembership:
    creator_id: uuid.UUID
    tier_id: uuid.UUID
    price_amount: int
    currency: str


async def owned_creator_ids(session: AsyncSession, viewer_id: uuid.UUID | None) -> set[uuid.UUID]:
    if viewer_id is None:
        return set()
    return set(await session.scalars(select(Creator.id).where(Creator.user_id == viewer_id)))


async def held_memberships(
    session: AsyncSession, viewer_id: uuid.UUID | None, creator_ids: set[uuid.UUID]
) -> dict[uuid.UUID, HeldMembership]:
    """The viewer's held membership per creator (at most one each, by a unique index)."""
    if viewer_id is None or not creator_ids:
        return {}
    rows = await session.execute(
        select(Membership.creator_id, Tier.id, Tier.price_amount, Tier.currency)
        .join(Tier, Tier.id == Membership.tier_id)
        .where(
            Membership.fan_id == viewer_id,
            Membership.creator_id.in_(creator_ids),
            Membership.status.in_(HELD_STATUSES),
        )
    )
    return {row[0]: HeldMembership(*row) for row in rows}


async def entitlements(
    session: AsyncSession, viewer_id: uuid.UUID | None, posts: Sequence[Post]
) -> dict[uuid.UUID, Access]:
    """The viewer's access to each post, in three queries for any number of posts."""
    if not posts:
        return {}
    creator_ids = {post.creator_id for post in posts}
    owned = await owned_creator_ids(session, viewer_id)
    held = await held_memberships(session, viewer_id, creator_ids)
    members_only = [post.id for post in posts if post.access is PostAccess.MEMBERS]
    paid = [post.id for post in posts if post.access is PostAccess.PAID]
    listed_tiers: dict[uuid.UUID, set[uuid.UUID]] = {}
    if members_only and held:
        for post_id, tier_id in await session.execute(
            select(PostTier.post_id, PostTier.tier_id).where(PostTier.post_id.in_(members_only))
        ):
            listed_tiers.setdefault(post_id, set()).add(tier_id)
    unlocked: set[uuid.UUID] = set()
    if paid and viewer_id is not None:
        unlocked = set(
            await session.scalars(
                select(PostUnlock.post_id).where(
                    PostUnlock.user_id == viewer_id, PostUnlock.post_id.in_(paid)
                )
            )
        )
    return access_of(posts, owned, held, listed_tiers, unlocked)


def access_of(
    posts: Sequence[Post],
    owned: set[uuid.UUID],
    held: dict[uuid.UUID, HeldMembership],
    listed_tiers: dict[uuid.UUID, set[uuid.UUID]],
    unlocked: set[uuid.UUID],
) -> dict[uuid.UUID, Access]:
    """The viewer's access to each post from facts already read: the creators they own, their
    held membership per creator, each members post's listed tiers, the paid posts unlocked."""
    return {
        post.id: _access(post, owned, held.get(post.creator_id), listed_tiers, unlocked)
        for post in posts
    }


def _access(
    post: Post,
    owned: set[uuid.UUID],
    membership: HeldMembership | None,
    listed_tiers: dict[uuid.UUID, set[uuid.UUID]],
    unlocked: set[uuid.UUID],
) -> Access:
    if post.creator_id in owned:
        return Access.OWNER
    if post.access is PostAccess.PUBLIC:
        return Access.FULL
    if post.access is PostAccess.PAID:
        return Access.FULL if post.id in unlocked else Access.TEASER
    if membership is None:
        return Access.TEASER
    opens = tier_opens_post(
        membership.tier_id,
        membership.price_amount,
        listed_tier_ids=listed_tiers.get(post.id, set()),
        min_tier_price=post.min_tier_price,
    )
    return Access.FULL if opens else Access.TEASER


async def access_to(session: AsyncSession, viewer_id: uuid.UUID | None, post: Post) -> Access:
    return (await entitlements(session, viewer_id, [post]))[post.id]
