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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import ColumnElement, Select, bindparam, func, literal_column, select, text
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
    parts = _parts(_any)
    return parts, parts.select()


def _parts(ids: Callable[[str], Any]) -> _Statement:
    """The page-wide reads, each list of ids (``post_ids``, ``creator_ids``, ``members_ids``,
    ``priced_creator_ids``, ``paid_ids``, ``poll_ids``, ``live_ids``) given by ``ids``."""
    viewer = bindparam("viewer", type_=Uuid())
    held_statuses: list[ColumnElement[str]] = [
        literal_column(f"'{status}'") for status in HELD_STATUSES
    ]
    listed_tier_ids = select(PostTier.tier_id).where(PostTier.post_id == ids("members_ids"))
    parts = _Statement(
        owned=RowArray(select(Creator.id).where(Creator.user_id == viewer)),
        held=RowArray(
            select(Membership.creator_id, Tier.id, Tier.price_amount, Tier.currency)
            .join(Tier, Tier.id == Membership.tier_id)
            .where(
                Membership.fan_id == viewer,
                Membership.creator_id == ids("creator_ids"),
                Membership.status.in_(held_statuses),
            )
        ),
        post_tiers=RowArray(
            select(PostTier.post_id, PostTier.tier_id).where(PostTier.post_id == ids("members_ids"))
        ),
        listed_tiers=EntityArray(Tier, select(Tier).where(Tier.id.in_(listed_tier_ids))),
        unlocked=RowArray(
            select(PostUnlock.post_id).where(
                PostUnlock.user_id == viewer, PostUnlock.post_id == ids("paid_ids")
            )
        ),
        creators=RowArray(
            select(Creator.id, Creator.slug, Creator.display_name).where(
                Creator.id == ids("creator_ids")
            )
        ),
        assets=EntityArray(
            MediaAsset, select(MediaAsset).where(MediaAsset.post_id == ids("post_ids"))
        ),
        open_tiers=EntityArray(
            Tier,
            select(Tier).where(
                Tier.creator_id == ids("priced_creator_ids"), Tier.archived_at.is_(None)
            ),
        ),
        polls=EntityArray(Poll, select(Poll).where(Poll.post_id == ids("poll_ids"))),
        options=EntityArray(
            PollOption, select(PollOption).where(PollOption.post_id == ids("poll_ids"))
        ),
        votes=RowArray(
            select(PollVote.post_id, PollVote.option_id).where(
                PollVote.user_id == viewer, PollVote.post_id == ids("poll_ids")
            )
        ),
        vote_counts=RowArray(
            select(PollVote.option_id, func.count().label("votes"))
            .where(PollVote.post_id == ids("poll_ids"))
            .group_by(PollVote.option_id)
        ),
        lives=EntityArray(
            LiveStream, select(LiveStream).where(LiveStream.post_id == ids("live_ids"))
        ),
        likes=RowArray(
            select(
                Like.post_id,
                func.count().label("likes"),
                func.coalesce(func.bool_or(Like.user_id == viewer), False).label("liked"),
            )
            .where(Like.post_id == ids("post_ids"))
            .group_by(Like.post_id)
        ),
        comments=RowArray(
            select(Comment.post_id, func.count().label("comments"))
            .where(Comment.post_id == ids("post_ids"), Comment.deleted_at.is_(None))
            .group_by(Comment.post_id)
        ),
    )
    return parts


# Each list of ids of a page, as a condition on the page's posts (None: every post).
_PAGE_LISTS: dict[str, tuple[str, str | None]] = {
    "post_ids": ("id", None),
    "creator_ids": ("creator_id", None),
    "members_ids": ("id", f"access = '{PostAccess.MEMBERS.value}'"),
    "priced_creator_ids": (
        "creator_id",
        f"access = '{PostAccess.MEMBERS.value}' AND min_tier_price IS NOT NULL",
    ),
    "paid_ids": ("id", f"access = '{PostAccess.PAID.value}'"),
    "poll_ids": ("id", f"kind = '{PostKind.POLL.value}'"),
    "live_ids": ("id", f"kind = '{PostKind.LIVE.value}'"),
}


@dataclass(frozen=True)
class PageStatement:
    """A list's posts and their page-wide reads in one statement (see :func:`with_page`)."""

    parts: _Statement
    posts: EntityArray[Post]
    statement: Select[Any]


def with_page(page: Select[Any], **columns: ColumnElement[Any]) -> PageStatement:
    """One statement answering a list's query (``page``, a select of posts' columns, run once
    as a CTE) together with every page-wide read of its posts and ``columns``: a list page in
    one round trip instead of two. Build it once per list shape (it holds no values)."""
    rows = page.cte("page")

    def ids(name: str) -> Any:
        column, condition = _PAGE_LISTS[name]
        chosen = select(func.array_agg(rows.c[column].distinct())).select_from(rows)
        if condition is not None:
            chosen = chosen.where(text(condition))
        return func.any(func.coalesce(chosen.scalar_subquery(), text("'{}'::uuid[]")))

    parts = _parts(ids)
    posts = EntityArray(Post, select(rows))
    statement = select(
        posts.column.label("posts"), *[c.label(n) for n, c in columns.items()]
    ).add_columns(*[getattr(parts, name).column.label(name) for name in parts.__dataclass_fields__])
    return PageStatement(parts, posts, statement)


async def posts_with_reads(
    session: AsyncSession, page: PageStatement, parameters: dict[str, Any]
) -> tuple[list[Post], PageReads, Any]:
    """The list's posts (in no particular order: sort them), their page-wide facts and the
    statement's row (for its extra ``columns``), in one round trip. ``parameters`` are the
    list's and ``viewer``."""
    row = (await session.execute(page.statement, parameters)).one()
    return page.posts.entities(row.posts), _decoded(page.parts, row), row


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
