"""Queries on memberships (owned by payments)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator, Membership, User
from pickey_core.models.memberships import HELD_STATUSES
from pickey_core.pagination import newest_first


async def serialize_fan_and_creator(
    session: AsyncSession, fan_id: uuid.UUID, creator_id: uuid.UUID
) -> None:
    """Hold a transaction-scoped lock on (fan, creator): two payments of one fan to one creator
    settling at once must not both create a membership (the held-membership index would refuse
    the second with an error instead of extending the first)."""
    await session.execute(
        select(
            func.pg_advisory_xact_lock(
                func.hashtextextended(f"membership:{fan_id}:{creator_id}", 0)
            )
        )
    )


async def account_deleted(session: AsyncSession, fan_id: uuid.UUID, creator_id: uuid.UUID) -> bool:
    """Whether the fan's account or the creator's owner account was deleted (GDPR erasure)."""
    deleted = await session.scalar(
        select(func.count())
        .select_from(User)
        .where(
            or_(User.id == fan_id, User.id == select(Creator.user_id).where(
                Creator.id == creator_id).scalar_subquery()),
            User.deleted_at.is_not(None),
        )
    )  # fmt: skip
    return bool(deleted)


async def held(
    session: AsyncSession, fan_id: uuid.UUID, creator_id: uuid.UUID, *, lock: bool = False
) -> Membership | None:
    """The fan's held (active or past-due) membership of the creator, at most one by a unique
    index; ``lock`` holds its row until the transaction ends."""
    query = select(Membership).where(
        Membership.fan_id == fan_id,
        Membership.creator_id == creator_id,
        Membership.status.in_(HELD_STATUSES),
    )
    return await session.scalar(query.with_for_update() if lock else query)


async def lock(session: AsyncSession, membership_id: uuid.UUID) -> Membership | None:
    return await session.scalar(
        select(Membership).where(Membership.id == membership_id).with_for_update()
    )


async def lock_own(
    session: AsyncSession, fan_id: uuid.UUID, membership_id: uuid.UUID
) -> Membership | None:
    """The fan's membership, locked; someone else's is as good as missing."""
    return await session.scalar(
        select(Membership)
        .where(Membership.id == membership_id, Membership.fan_id == fan_id)
        .with_for_update()
    )


def page_of_fan_query(
    fan_id: uuid.UUID, before: tuple[datetime, uuid.UUID] | None, limit: int
) -> Select[Membership]:
    """Newest first from ``ix_memberships_fan_created (fan_id, created_at, id)``: O(page) rows."""
    return newest_first(Membership, Membership.fan_id == fan_id, before=before, limit=limit)


async def page_of_fan(
    session: AsyncSession,
    fan_id: uuid.UUID,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Membership]:
    return (await session.scalars(page_of_fan_query(fan_id, before, limit))).all()
