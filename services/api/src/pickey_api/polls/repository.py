"""Queries on polls, their options and votes; page-wide reads take every poll of a page at once."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Poll, PollOption, PollVote


async def poll_of_post(session: AsyncSession, post_id: uuid.UUID) -> Poll | None:
    return await session.get(Poll, post_id)


async def delete_options(session: AsyncSession, post_id: uuid.UUID) -> None:
    await session.execute(delete(PollOption).where(PollOption.post_id == post_id))


async def polls_with_options(
    session: AsyncSession, post_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, tuple[Poll, list[PollOption]]]:
    """Each post's poll and its options in position order, in one query."""
    if not post_ids:
        return {}
    rows = await session.execute(
        select(Poll, PollOption)
        .join(PollOption, PollOption.post_id == Poll.post_id)
        .where(Poll.post_id.in_(post_ids))
        .order_by(PollOption.post_id, PollOption.position)
    )
    result: dict[uuid.UUID, tuple[Poll, list[PollOption]]] = {}
    for poll, option in rows:
        result.setdefault(poll.post_id, (poll, []))[1].append(option)
    return result


async def votes_of_user(
    session: AsyncSession, user_id: uuid.UUID | None, post_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, uuid.UUID]:
    """The option the user chose, per poll (the primary key (post_id, user_id) answers)."""
    if user_id is None or not post_ids:
        return {}
    rows = await session.execute(
        select(PollVote.post_id, PollVote.option_id).where(
            PollVote.user_id == user_id, PollVote.post_id.in_(post_ids)
        )
    )
    return dict(rows.all())


async def vote_counts(
    session: AsyncSession, post_ids: Collection[uuid.UUID]
) -> dict[uuid.UUID, int]:
    """Votes per option of these polls."""
    if not post_ids:
        return {}
    rows = await session.execute(
        select(PollVote.option_id, func.count())
        .where(PollVote.post_id.in_(post_ids))
        .group_by(PollVote.option_id)
    )
    return {option_id: int(count) for option_id, count in rows}


async def record_vote(
    session: AsyncSession, post_id: uuid.UUID, user_id: uuid.UUID, option_id: uuid.UUID
) -> uuid.UUID:
    """Record the vote unless the user already voted; return the option they hold.

    ``ON CONFLICT DO NOTHING`` on the primary key: two concurrent first votes cannot both land.
    """
    inserted: uuid.UUID | None = await session.scalar(
        insert(PollVote)
        .values(post_id=post_id, user_id=user_id, option_id=option_id)
        .on_conflict_do_nothing(index_elements=[PollVote.post_id, PollVote.user_id])
        .returning(PollVote.option_id)
    )
    if inserted is not None:
        return inserted
    existing: uuid.UUID | None = await session.scalar(
        select(PollVote.option_id).where(PollVote.post_id == post_id, PollVote.user_id == user_id)
    )
    assert existing is not None
    return existing
