"""Keyset reads of a creator's audience.

Members come from ``ix_memberships_creator_status_fan (creator_id, status, fan_id)`` one status
at a time (an ``IN`` of statuses would need a sort), followers from
``ix_follows_creator_follower (creator_id, follower_id)``. A page reads O(page) index entries
plus one user row each; :func:`boundaries` reads the range's index entries once to cut it into
chunks and returns only every ``size``-th id.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeVar, Unpack

from sqlalchemy import Select, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pickey_core.models import Follow, Membership, MembershipStatus, PostUnlock, User
from pickey_core.models.memberships import HELD_STATUSES

SelectT = TypeVar("SelectT", bound=Select[Unpack[tuple[Any, ...]]])
Audience = Literal["active_members", "past_due_members", "followers"]
MEMBER_STATUS: dict[str, MembershipStatus] = {
    "active_members": MembershipStatus.ACTIVE,
    "past_due_members": MembershipStatus.PAST_DUE,
}


@dataclass(frozen=True)
class Person:
    user_id: uuid.UUID
    email: str
    # The tier of their held membership; None for followers.
    tier_id: uuid.UUID | None


def _in_range(
    query: Select[tuple[uuid.UUID]], audience: Audience, creator_id: uuid.UUID
) -> Select[tuple[uuid.UUID]]:
    if audience == "followers":
        return query.where(Follow.creator_id == creator_id)
    return query.where(
        Membership.creator_id == creator_id, Membership.status == MEMBER_STATUS[audience]
    )


async def boundaries(
    session: AsyncSession, audience: Audience, creator_id: uuid.UUID, size: int
) -> list[uuid.UUID]:
    """Every ``size``-th user id of the audience, in order: the chunks are (None, b1], (b1, b2],
    ..., (bn, None). People who join later fall in one of them, whatever their id."""
    column = Follow.follower_id if audience == "followers" else Membership.fan_id
    numbered = _in_range(
        select(column.label("user_id"), func.row_number().over(order_by=column).label("n")),
        audience,
        creator_id,
    ).subquery()
    rows = await session.scalars(
        select(numbered.c.user_id).where(numbered.c.n % size == 0).order_by(numbered.c.user_id)
    )
    return list(rows)


async def page(
    session: AsyncSession,
    audience: Audience,
    creator_id: uuid.UUID,
    *,
    after: uuid.UUID | None,
    until: uuid.UUID | None,
    limit: int,
    exclude_user_id: uuid.UUID,
    skip_members_of: Collection[uuid.UUID] = (),
) -> Sequence[Person]:
    """The next ``limit`` people of the audience after ``after`` (up to ``until``), active
    accounts only, never ``exclude_user_id`` (the creator). Followers holding a membership of one
    of ``skip_members_of`` are left out: the members' chunks reach them."""
    if audience == "followers":
        key = Follow.follower_id
        followers = (
            select(Follow.follower_id, User.email)
            .join(User, User.id == Follow.follower_id)
            .where(Follow.creator_id == creator_id)
        )
        if skip_members_of:
            followers = followers.where(
                ~exists().where(
                    Membership.fan_id == Follow.follower_id,
                    Membership.creator_id == creator_id,
                    Membership.status.in_(HELD_STATUSES),
                    Membership.tier_id.in_(skip_members_of),
                )
            )
        followers = _window(followers, key, after, until, exclude_user_id)
        rows = await session.execute(followers.order_by(key).limit(limit))
        return [Person(user_id, email, None) for user_id, email in rows]
    key = Membership.fan_id
    members = (
        select(Membership.fan_id, User.email, Membership.tier_id)
        .join(User, User.id == Membership.fan_id)
        .where(Membership.creator_id == creator_id, Membership.status == MEMBER_STATUS[audience])
    )
    members = _window(members, key, after, until, exclude_user_id)
    member_rows = await session.execute(members.order_by(key).limit(limit))
    return [Person(user_id, email, tier_id) for user_id, email, tier_id in member_rows]


def _window(
    query: SelectT,
    key: InstrumentedAttribute[uuid.UUID],
    after: uuid.UUID | None,
    until: uuid.UUID | None,
    exclude_user_id: uuid.UUID,
) -> SelectT:
    """Active accounts in (``after``, ``until``], never ``exclude_user_id``."""
    query = query.where(User.deleted_at.is_(None), key != exclude_user_id)
    if after is not None:
        query = query.where(key > after)
    if until is not None:
        query = query.where(key <= until)
    return query


async def unlocked(
    session: AsyncSession, post_id: uuid.UUID, user_ids: Collection[uuid.UUID]
) -> set[uuid.UUID]:
    """Who of ``user_ids`` bought the (paid) post."""
    if not user_ids:
        return set()
    rows = await session.scalars(
        select(PostUnlock.user_id).where(
            PostUnlock.post_id == post_id, PostUnlock.user_id.in_(user_ids)
        )
    )
    return set(rows)
