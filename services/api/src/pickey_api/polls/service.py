"""Poll rules: who may vote, when, and who sees the results. Flushes, never commits.

One vote per fan, and it stays: voting again for the same option is a harmless repeat, voting
for another option is refused (``already_voted``) — a fan cannot peek at the results with one
vote and then change it. The creator sees the results at all times but does not vote.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.polls import repository
from pickey_api.polls.schemas import PollCreate, PollOptionRead, PollRead
from pickey_api.post_access.entitlements import Access, access_to
from pickey_api.post_access.repository import get_post
from pickey_core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from pickey_core.models import Poll, PollOption, PollResultsVisibility, Post, PostKind
from pickey_core.post_readiness import is_listed


class PollNotFound(NotFound):
    code = "poll_not_found"


class NotEntitled(NotPermitted):
    code = "not_entitled"


class OwnPoll(NotPermitted):
    code = "own_poll"


class PollClosed(Conflict):
    code = "poll_closed"


class AlreadyVoted(Conflict):
    code = "already_voted"


class UnknownOption(InvalidInput):
    code = "unknown_option"


class InvalidClosesAt(InvalidInput):
    code = "invalid_closes_at"


def is_closed(poll: Poll, now: datetime) -> bool:
    return poll.closes_at is not None and poll.closes_at <= now


async def replace_poll(
    session: AsyncSession,
    post: Post,
    data: PollCreate,
    now: datetime,
    *,
    opens_at: datetime | None = None,
) -> None:
    """Create or replace the poll of an unpublished post (nobody can have voted yet).

    ``opens_at`` is when the post goes out (a scheduled post's publish time): the poll must
    still be open then.
    """
    check_open_at(data.closes_at, opens_at or now)
    poll = await repository.poll_of_post(session, post.id)
    if poll is None:
        poll = Poll(post_id=post.id)
        session.add(poll)
    else:
        await repository.delete_options(session, post.id)
    poll.closes_at = data.closes_at
    poll.results_visibility = data.results_visibility
    await session.flush()
    session.add_all(
        PollOption(post_id=post.id, position=position, text=text)
        for position, text in enumerate(data.options)
    )
    await session.flush()


def check_open_at(closes_at: datetime | None, moment: datetime) -> None:
    if closes_at is not None and closes_at <= moment:
        raise InvalidClosesAt("The poll would be closed before the post is published.")


async def check_post_poll_open_at(session: AsyncSession, post: Post, moment: datetime) -> None:
    """Refuse to publish (or schedule) a poll post whose poll would already be closed."""
    if post.kind is PostKind.POLL:
        poll = await repository.poll_of_post(session, post.id)
        check_open_at(poll.closes_at if poll else None, moment)


async def vote(
    session: AsyncSession,
    user_id: uuid.UUID,
    post_id: uuid.UUID,
    option_id: uuid.UUID,
    now: datetime,
) -> PollRead:
    """Record the fan's vote and return the poll as they now see it."""
    post = await get_post(session, post_id)
    if post is None or post.kind is not PostKind.POLL:
        raise PollNotFound("There is no such poll.")
    access = await access_to(session, user_id, post)
    if access is Access.OWNER:
        raise OwnPoll("Creators see the results of their polls but do not vote in them.")
    if not is_listed(post):
        raise PollNotFound("There is no such poll.")
    if access is not Access.FULL:
        raise NotEntitled("Only fans who may read this post can vote in its poll.")
    polls = await repository.polls_with_options(session, [post.id])
    poll, options = polls[post.id]
    if is_closed(poll, now):
        raise PollClosed("This poll is closed.")
    if option_id not in {option.id for option in options}:
        raise UnknownOption("This option is not part of this poll.")
    held = await repository.record_vote(session, post.id, user_id, option_id)
    if held != option_id:
        raise AlreadyVoted("You have already voted in this poll.")
    return (await poll_views(session, user_id, [post], {post.id: access}, now))[post.id]


def results_visible(poll: Poll, access: Access, voted: bool, closed: bool) -> bool:
    if access is Access.OWNER:
        return True
    if access is not Access.FULL:
        return False
    if poll.results_visibility is PollResultsVisibility.ALWAYS:
        return True
    if poll.results_visibility is PollResultsVisibility.AFTER_VOTE:
        return voted or closed
    return closed


async def poll_views(
    session: AsyncSession,
    viewer_id: uuid.UUID | None,
    posts: Sequence[Post],
    access: dict[uuid.UUID, Access],
    now: datetime,
) -> dict[uuid.UUID, PollRead]:
    """The polls of a page as this viewer may see them, in three queries for any page.

    Teasers get no poll at all; counts are read only for polls whose results are shown.
    """
    shown = [
        post.id
        for post in posts
        if post.kind is PostKind.POLL and access.get(post.id) in (Access.OWNER, Access.FULL)
    ]
    polls = await repository.polls_with_options(session, shown)
    if not polls:
        return {}
    votes = await repository.votes_of_user(session, viewer_id, list(polls))
    counts = await repository.vote_counts(session, _results_shown(polls, access, votes, now))
    return poll_views_of(viewer_id, polls, access, votes, counts, now)


def _results_shown(
    polls: dict[uuid.UUID, tuple[Poll, list[PollOption]]],
    access: dict[uuid.UUID, Access],
    votes: dict[uuid.UUID, uuid.UUID],
    now: datetime,
) -> set[uuid.UUID]:
    return {
        post_id
        for post_id, (poll, _) in polls.items()
        if results_visible(poll, access[post_id], post_id in votes, is_closed(poll, now))
    }


def poll_views_of(
    viewer_id: uuid.UUID | None,
    polls: dict[uuid.UUID, tuple[Poll, list[PollOption]]],
    access: dict[uuid.UUID, Access],
    votes: dict[uuid.UUID, uuid.UUID],
    counts: dict[uuid.UUID, int],
    now: datetime,
) -> dict[uuid.UUID, PollRead]:
    """The views of polls already read (``counts`` may hold more than is shown): only polls
    whose post the viewer may read (owner or entitled) are given, teasers get none."""
    polls = {
        post_id: poll
        for post_id, poll in polls.items()
        if access.get(post_id) in (Access.OWNER, Access.FULL)
    }
    visible = _results_shown(polls, access, votes, now)
    views: dict[uuid.UUID, PollRead] = {}
    for post_id, (poll, options) in polls.items():
        show = post_id in visible
        closed = is_closed(poll, now)
        views[post_id] = PollRead(
            closes_at=poll.closes_at,
            closed=closed,
            results_visibility=poll.results_visibility,
            results_visible=show,
            total_votes=sum(counts.get(o.id, 0) for o in options) if show else None,
            viewer_option_id=votes.get(post_id),
            can_vote=(
                viewer_id is not None
                and access[post_id] is Access.FULL
                and not closed
                and post_id not in votes
            ),
            options=[
                PollOptionRead(
                    id=option.id,
                    position=option.position,
                    text=option.text,
                    votes=counts.get(option.id, 0) if show else None,
                )
                for option in options
            ],
        )
    return views
