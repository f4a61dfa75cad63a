"""Keyset reads of a creator's audience.

Members come from ``ix_memberships_creator_status_fan (creator_id, status, fan_id)`` one status
at a time (an ``IN`` of statuses would need a sort), followers from
``ix_follows_creator_follower (creator_id, follower_id)``. A page reads O(page) index entries
plus one user row each; :func:`boundaries` reads the range's index entries once to cut it into
chunks and returns only every ``size``-th id.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, TypeVar

from sqlalchemy import Select, Subquery, exists, func, null, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from pickey_core.any_of import any_of
from pickey_core.models import Follow, Membership, MembershipStatus, PostUnlock, User
from pickey_core.models.memberships import HELD_STATUSES

SelectT = TypeVar("SelectT", bound=Select[*tuple[Any, ...]])
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


@dataclass(frozen=True)
class Page:
    """One keyset page: the people to notify, where the next page starts, and whether the
    range may hold more (the page was full before accounts were filtered out)."""

    people: list[Person]
    last_key: uuid.UUID | None
    full: bool


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
) -> Page:
    """The next ``limit`` entries of the audience after ``after`` (up to ``until``); of them,
    the people to notify: active accounts, never ``exclude_user_id`` (the creator). Followers
    holding a membership of one of ``skip_members_of`` are not entries: the members' chunks
    reach them."""
    if audience == "followers":
        query = follower_page_query(
            creator_id, after=after, until=until, limit=limit, skip_members_of=skip_members_of
        )
    else:
        query = member_page_query(audience, creator_id, after=after, until=until, limit=limit)
    rows = (await session.execute(query)).all()
    people = [
        Person(user_id, email, tier_id)
        for user_id, tier_id, email, deleted_at in rows
        if deleted_at is None and user_id != exclude_user_id
    ]
    return Page(people, rows[-1][0] if rows else None, len(rows) == limit)


def member_page_query(
    audience: Audience,
    creator_id: uuid.UUID,
    *,
    after: uuid.UUID | None,
    until: uuid.UUID | None,
    limit: int,
) -> Select[uuid.UUID, uuid.UUID | None, str, datetime | None]:
    """A page of members of one status from ``ix_memberships_creator_status_fan`` (read first,
    with its limit), then their accounts by primary key: O(page) rows at any depth."""
    key = Membership.fan_id
    keys = _window(
        select(key.label("user_id"), Membership.tier_id.label("tier_id")).where(
            Membership.creator_id == creator_id, Membership.status == MEMBER_STATUS[audience]
        ),
        key,
        after,
        until,
    )
    return _with_accounts(keys.order_by(key).limit(limit).subquery())


def follower_page_query(
    creator_id: uuid.UUID,
    *,
    after: uuid.UUID | None,
    until: uuid.UUID | None,
    limit: int,
    skip_members_of: Collection[uuid.UUID],
) -> Select[uuid.UUID, uuid.UUID | None, str, datetime | None]:
    """A page of followers from ``ix_follows_creator_follower``. A skipped follower costs one
    probe of the held-membership index; the chunk's ``until`` bounds the scan."""
    key = Follow.follower_id
    followers = select(key.label("user_id"), null().label("tier_id")).where(
        Follow.creator_id == creator_id
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
    keys = _window(followers, key, after, until)
    return _with_accounts(keys.order_by(key).limit(limit).subquery())


def _with_accounts(
    keys: Subquery,
) -> Select[uuid.UUID, uuid.UUID | None, str, datetime | None]:
    return (
        select(keys.c.user_id, keys.c.tier_id, User.email, User.deleted_at)
        .join(User, User.id == keys.c.user_id)
        .order_by(keys.c.user_id)
    )


def _window(
    query: SelectT,
    key: InstrumentedAttribute[uuid.UUID],
    after: uuid.UUID | None,
    until: uuid.UUID | None,
) -> SelectT:
    """Entries in (``after``, ``until``]."""
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
            PostUnlock.post_id == post_id, any_of(PostUnlock.user_id, user_ids)
        )
    )
    return set(rows)
