"""Everything a page of posts needs besides the posts themselves, in one statement.

Presenting a page used to take up to fifteen queries (entitlements, creators, media, tiers,
polls, live streams, likes, comments), each a database round trip; issue 14 measured what that
costs once the database is across a network. Here every page-wide read is one array column of
one prebuilt statement (:mod:`pickey_core.row_arrays`), its lists passed as array parameters
(``= ANY(:ids)``), so the SQL text, SQLAlchemy's compiled form and asyncpg's prepared statement
are the same for every page of every size.

Reads that used to depend on an earlier answer are taken unconditionally and narrowed in
Python: listed tiers, polls and vote counts of every post of their kind (entitlements and
result visibility decide afterwards what is shown), and every attached asset (ready ones are
media, all of them the owner's editing view). A page holds at most a hundred posts, so the
extra rows are few.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, literal_column, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.types import Uuid

from pickey_api.post_access.entitlements import HeldMembership
from pickey_core.models import (
    Comment,
    Creator,
    Like,
    LiveStream,
    MediaAsset,
    Membership,
    Poll,
    PollOption,
    PollVote,
    Post,
    PostAccess,
    PostKind,
    PostTier,
    PostUnlock,
    Tier,
)
from pickey_core.models.memberships import HELD_STATUSES
from pickey_core.row_arrays import EntityArray, RowArray


@dataclass(frozen=True)
class CreatorName:
    id: uuid.UUID
    slug: str
    display_name: str


@dataclass(frozen=True)
class PageReads:
    """The page-wide facts, keyed for the presenter; absent keys mean "none"."""

    owned_creator_ids: set[uuid.UUID]
    held: dict[uuid.UUID, HeldMembership]  # by creator
    listed_tier_ids: dict[uuid.UUID, set[uuid.UUID]]  # by post
    listed_tiers: dict[uuid.UUID, list[Tier]]  # by post
    unlocked: set[uuid.UUID]
    creators: dict[uuid.UUID, CreatorName]
    assets: dict[uuid.UUID, list[MediaAsset]]  # by post, every status, in gallery order
    open_tiers: dict[uuid.UUID, list[Tier]]  # by creator
    polls: dict[uuid.UUID, tuple[Poll, list[PollOption]]]  # by post, options in order
    votes: dict[uuid.UUID, uuid.UUID]  # the viewer's option by post
    vote_counts: dict[uuid.UUID, int]  # by option
    lives: dict[uuid.UUID, LiveStream]
    likes: dict[uuid.UUID, tuple[int, bool]]
    comments: dict[uuid.UUID, int]


def _ids(name: str) -> Any:
    return bindparam(name, type_=ARRAY(Uuid()))


def _any(name: str) -> Any:
    return func.any(_ids(name))


@dataclass(frozen=True)
class _Statement:
    owned: RowArray
    held: RowArray
    post_tiers: RowArray
    listed_tiers: EntityArray[Tier]
    unlocked: RowArray
    creators: RowArray
    assets: EntityArray[MediaAsset]
    open_tiers: EntityArray[Tier]
    polls: EntityArray[Poll]
    options: EntityArray[PollOption]
    votes: RowArray
    vote_counts: RowArray
    lives: EntityArray[LiveStream]
    likes: RowArray
    comments: RowArray

    def select(self) -> Select[Any]:
        return select(
            *[getattr(self, name).column.label(name) for name in self.__dataclass_fields__]
        )


@cache
def _statement() -> tuple[_Statement, Select[Any]]:
    """Built once per process: only parameters change between pages."""
    viewer = bindparam("viewer", type_=Uuid())
    held_statuses: list[ColumnElement[str]] = [
        literal_column(f"'{status}'") for status in HELD_STATUSES
    ]
    listed_tier_ids = select(PostTier.tier_id).where(PostTier.post_id == _any("members_ids"))
    parts = _Statement(
        owned=RowArray(select(Creator.id).where(Creator.user_id == viewer)),
        held=RowArray(
            select(Membership.creator_id, Tier.id, Tier.price_amount, Tier.currency)
            .join(Tier, Tier.id == Membership.tier_id)
            .where(
                Membership.fan_id == viewer,
                Membership.creator_id == _any("creator_ids"),
                Membership.status.in_(held_statuses),
            )
        ),
        post_tiers=RowArray(
            select(PostTier.post_id, PostTier.tier_id).where(
                PostTier.post_id == _any("members_ids")
            )
        ),
        listed_tiers=EntityArray(Tier, select(Tier).where(Tier.id.in_(listed_tier_ids))),
        unlocked=RowArray(
            select(PostUnlock.post_id).where(
                PostUnlock.user_id == viewer, PostUnlock.post_id == _any("paid_ids")
            )
        ),
        creators=RowArray(
            select(Creator.id, Creator.slug, Creator.display_name).where(
                Creator.id == _any("creator_ids")
            )
        ),
        assets=EntityArray(
            MediaAsset, select(MediaAsset).where(MediaAsset.post_id == _any("post_ids"))
        ),
        open_tiers=EntityArray(
            Tier,
            select(Tier).where(
                Tier.creator_id == _any("priced_creator_ids"), Tier.archived_at.is_(None)
            ),
        ),
        polls=EntityArray(Poll, select(Poll).where(Poll.post_id == _any("poll_ids"))),
        options=EntityArray(
            PollOption, select(PollOption).where(PollOption.post_id == _any("poll_ids"))
        ),
        votes=RowArray(
            select(PollVote.post_id, PollVote.option_id).where(
                PollVote.user_id == viewer, PollVote.post_id == _any("poll_ids")
            )
        ),
        vote_counts=RowArray(
            select(PollVote.option_id, func.count().label("votes"))
            .where(PollVote.post_id == _any("poll_ids"))
            .group_by(PollVote.option_id)
        ),
        lives=EntityArray(
            LiveStream, select(LiveStream).where(LiveStream.post_id == _any("live_ids"))
        ),
        likes=RowArray(
            select(
                Like.post_id,
                func.count().label("likes"),
                func.coalesce(func.bool_or(Like.user_id == viewer), False).label("liked"),
            )
            .where(Like.post_id == _any("post_ids"))
            .group_by(Like.post_id)
        ),
        comments=RowArray(
            select(Comment.post_id, func.count().label("comments"))
            .where(Comment.post_id == _any("post_ids"), Comment.deleted_at.is_(None))
            .group_by(Comment.post_id)
        ),
    )
    return parts, parts.select()


async def page_reads(
    session: AsyncSession, viewer_id: uuid.UUID | None, posts: Sequence[Post]
) -> PageReads:
    """Every page-wide fact about ``posts`` for this viewer, in one round trip."""
    members = [post for post in posts if post.access is PostAccess.MEMBERS]
    parameters = {
        "viewer": viewer_id,
        "post_ids": [post.id for post in posts],
        "creator_ids": list({post.creator_id for post in posts}),
        "members_ids": [post.id for post in members],
        "priced_creator_ids": list(
            {post.creator_id for post in members if post.min_tier_price is not None}
        ),
        "paid_ids": [post.id for post in posts if post.access is PostAccess.PAID],
        "poll_ids": [post.id for post in posts if post.kind is PostKind.POLL],
        "live_ids": [post.id for post in posts if post.kind is PostKind.LIVE],
    }
    parts, statement = _statement()
    row = (await session.execute(statement, parameters)).one()
    return _decoded(parts, row)


def _decoded(parts: _Statement, row: Any) -> PageReads:
    listed_tier_ids: dict[uuid.UUID, set[uuid.UUID]] = {}
    for post_id, tier_id in parts.post_tiers.rows(row.post_tiers):
        listed_tier_ids.setdefault(post_id, set()).add(tier_id)
    tiers_by_id = {tier.id: tier for tier in parts.listed_tiers.entities(row.listed_tiers)}
    listed_tiers = {
        post_id: [tiers_by_id[tier_id] for tier_id in tier_ids]
        for post_id, tier_ids in listed_tier_ids.items()
    }
    assets: dict[uuid.UUID, list[MediaAsset]] = {}
    for asset in sorted(parts.assets.entities(row.assets), key=lambda asset: asset.position):
        assert asset.post_id is not None
        assets.setdefault(asset.post_id, []).append(asset)
    open_tiers: dict[uuid.UUID, list[Tier]] = {}
    for tier in parts.open_tiers.entities(row.open_tiers):
        open_tiers.setdefault(tier.creator_id, []).append(tier)
    polls: dict[uuid.UUID, tuple[Poll, list[PollOption]]] = {
        poll.post_id: (poll, []) for poll in parts.polls.entities(row.polls)
    }
    for option in sorted(parts.options.entities(row.options), key=lambda option: option.position):
        if option.post_id in polls:
            polls[option.post_id][1].append(option)
    return PageReads(
        owned_creator_ids={creator_id for (creator_id,) in parts.owned.rows(row.owned)},
        held={values[0]: HeldMembership(*values) for values in parts.held.rows(row.held)},
        listed_tier_ids=listed_tier_ids,
        listed_tiers=listed_tiers,
        unlocked={post_id for (post_id,) in parts.unlocked.rows(row.unlocked)},
        creators={values[0]: CreatorName(*values) for values in parts.creators.rows(row.creators)},
        assets=assets,
        open_tiers=open_tiers,
        polls=polls,
        votes=dict(parts.votes.rows(row.votes)),
        vote_counts={
            option: int(count) for option, count in parts.vote_counts.rows(row.vote_counts)
        },
        lives={stream.post_id: stream for stream in parts.lives.entities(row.lives)},
        likes={
            post_id: (int(count), bool(liked))
            for post_id, count, liked in parts.likes.rows(row.likes)
        },
        comments={post_id: int(count) for post_id, count in parts.comments.rows(row.comments)},
    )
