"""Queries on tiers and on what refers to them."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Creator,
    Membership,
    MembershipStatus,
    Payment,
    PaymentKind,
    PostTier,
    Tier,
)
from pickey_core.models.payments import UNSETTLED_STATES


async def own_tier(session: AsyncSession, creator: Creator, tier_id: uuid.UUID) -> Tier | None:
    """The tier if ``creator`` owns it; another creator's tier is as good as missing."""
    return await session.scalar(
        select(Tier).where(Tier.id == tier_id, Tier.creator_id == creator.id)
    )


async def all_of(session: AsyncSession, creator_id: uuid.UUID) -> list[Tier]:
    """Every tier, open ones first in the creator's order, then archived ones."""
    rows = await session.scalars(
        select(Tier)
        .where(Tier.creator_id == creator_id)
        .order_by(Tier.archived_at.is_not(None), Tier.position, Tier.id)
    )
    return list(rows)


async def open_tiers(session: AsyncSession, creator_id: uuid.UUID) -> list[Tier]:
    rows = await session.scalars(
        select(Tier)
        .where(Tier.creator_id == creator_id, Tier.archived_at.is_(None))
        .order_by(Tier.position, Tier.id)
    )
    return list(rows)


async def tally(session: AsyncSession, creator_id: uuid.UUID) -> tuple[int, int, int]:
    """(open tiers, all tiers, next free position among open ones) in one statement."""
    row = (
        await session.execute(
            select(
                func.count().filter(Tier.archived_at.is_(None)),
                func.count(),
                func.coalesce(func.max(Tier.position).filter(Tier.archived_at.is_(None)), -1) + 1,
            ).where(Tier.creator_id == creator_id)
        )
    ).one()
    return row[0], row[1], row[2]


async def currency_of(session: AsyncSession, creator_id: uuid.UUID) -> str | None:
    """The currency of the creator's tiers (all share one), or None before the first tier."""
    return await session.scalar(select(Tier.currency).where(Tier.creator_id == creator_id).limit(1))


async def has_memberships(
    session: AsyncSession,
    tier: Tier,
    statuses: Collection[MembershipStatus] | None = None,
) -> bool:
    """Whether any membership (of the given statuses) is or will be on ``tier``.

    Filtered by creator first: memberships are indexed by creator, not by tier.
    """
    condition = exists().where(
        Membership.creator_id == tier.creator_id,
        or_(Membership.tier_id == tier.id, Membership.next_tier_id == tier.id),
    )
    if statuses is not None:
        condition = condition.where(Membership.status.in_([status.value for status in statuses]))
    return bool(await session.scalar(select(condition)))


async def has_checkouts_in_flight(session: AsyncSession, tier: Tier) -> bool:
    """Whether a fan is paying to join ``tier`` right now (a membership checkout not settled).

    Read through ``ix_payments_unsettled`` (unsettled payments are few, whatever the table size).
    """
    return bool(
        await session.scalar(
            select(
                exists().where(
                    Payment.state.in_(UNSETTLED_STATES),
                    Payment.kind == PaymentKind.MEMBERSHIP.value,
                    Payment.tier_id == tier.id,
                )
            )
        )
    )


async def listed_by_posts(session: AsyncSession, tier_id: uuid.UUID) -> bool:
    return bool(await session.scalar(select(exists().where(PostTier.tier_id == tier_id))))


async def lock_creator(session: AsyncSession, creator: Creator) -> None:
    """Serialise writes to one creator's tiers (limits, currency, positions) until the commit."""
    await session.execute(select(Creator.id).where(Creator.id == creator.id).with_for_update())
