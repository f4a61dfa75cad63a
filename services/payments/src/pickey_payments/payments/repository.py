"""Queries on a fan's payments."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator, Payment, Post, Tier
from pickey_core.pagination import newest_first


async def own(session: AsyncSession, fan_id: uuid.UUID, payment_id: uuid.UUID) -> Payment | None:
    return await session.scalar(
        select(Payment).where(Payment.id == payment_id, Payment.fan_id == fan_id)
    )


def page_of_fan_query(
    fan_id: uuid.UUID, before: tuple[datetime, uuid.UUID] | None, limit: int
) -> Select[Payment]:
    """Newest first from ``ix_payments_fan_created_id (fan_id, created_at, id)``: O(page) rows."""
    return newest_first(Payment, Payment.fan_id == fan_id, before=before, limit=limit)


async def page_of_fan(
    session: AsyncSession,
    fan_id: uuid.UUID,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Payment]:
    return (await session.scalars(page_of_fan_query(fan_id, before, limit))).all()


@dataclass(frozen=True)
class Names:
    """What the payments of a page bought and from whom, by id (primary-key lookups)."""

    creators: dict[uuid.UUID, tuple[str, str]]
    tiers: dict[uuid.UUID, str]
    posts: dict[uuid.UUID, str]


async def names_of(session: AsyncSession, payments: Sequence[Payment]) -> Names:
    creator_ids = {p.creator_id for p in payments}
    tier_ids = {p.tier_id for p in payments if p.tier_id is not None}
    post_ids = {p.post_id for p in payments if p.post_id is not None}
    names = Names({}, {}, {})
    if creator_ids:
        creators = await session.execute(
            select(Creator.id, Creator.display_name, Creator.slug).where(
                Creator.id.in_(creator_ids)
            )
        )
        for creator_id, display_name, slug in creators:
            names.creators[creator_id] = (display_name, slug)
    if tier_ids:
        for tier_id, name in await session.execute(
            select(Tier.id, Tier.name).where(Tier.id.in_(tier_ids))
        ):
            names.tiers[tier_id] = name
    if post_ids:
        for post_id, title in await session.execute(
            select(Post.id, Post.title).where(Post.id.in_(post_ids))
        ):
            names.posts[post_id] = title
    return names
