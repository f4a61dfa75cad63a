"""The keyset queries behind every list of posts. Each reads O(page) rows from an index whose
order is the list's order (the plans are checked in ``tests/api/test_feed_plans.py``).

Conditions that partial indexes are defined on are written as literal SQL, not bound
parameters: the planner proves a partial index usable from the query text, and a cached
generic plan (asyncpg prepares statements) sees parameters, not their values.

The two hot lists (the home feed, a creator's page) are built once per process, shape (first
page or after a cursor) and page size, with everything else that varies as bound parameters:
rebuilding their select trees was the largest share of a feed request's CPU (issue 14's
profile). The page size is written into the SQL (:func:`_rows`) so that PostgreSQL keeps one
generic plan per prepared statement instead of planning each execution again. They come back
as a statement and the values to execute it with.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import (
    CTE,
    ColumnElement,
    CompoundSelect,
    DateTime,
    Integer,
    ScalarSelect,
    Select,
    Text,
    TextClause,
    Uuid,
    bindparam,
    cast,
    column,
    exists,
    func,
    literal,
    literal_column,
    select,
    text,
    true,
    union,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, aggregate_order_by
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.feeds.cache import FirstPage
from pickey_api.posts.page_reads import PageStatement, with_page
from pickey_core.models import Creator, Follow, Membership, Post, PostStatus
from pickey_core.models.memberships import HELD_STATUSES
from pickey_core.models.posts import FEED_VISIBLE
from pickey_core.pagination import after_key

Keyset = tuple[datetime, uuid.UUID]
Parameters = dict[str, Any]

# The parameters of the prebuilt lists: the keyset of the cursor.
_AFTER = (
    bindparam("after_published_at", type_=DateTime(timezone=True)),
    bindparam("after_id", type_=Uuid()),
)


def _window(after: Keyset | None) -> Parameters:
    """Values of the prebuilt lists' keyset parameters."""
    values: Parameters = {}
    if after is not None:
        values["after_published_at"], values["after_id"] = after
    return values


def _rows(limit: int) -> ColumnElement[int]:
    """``limit + 1`` rows (the extra one tells whether there is a next page), written into the
    SQL rather than bound: asyncpg prepares each statement, and with the row count a parameter
    PostgreSQL's generic plan looked costlier than a custom one on a large ``posts`` table, so
    every execution was planned again (about 2 ms at a million posts; issue 14, P2)."""
    return literal_column(str(int(limit) + 1), Integer())


def _published_before_cursor(paged: bool) -> list[ColumnElement[bool]]:
    return [after_key((Post.published_at, Post.id), _AFTER)] if paged else []


async def creator_by_slug(session: AsyncSession, slug: str) -> Creator | None:
    return await session.scalar(select(Creator).where(Creator.slug == slug))


def _feed_visible() -> TextClause:
    """Exactly the predicate of ``ix_posts_creator_feed`` (published, media ready, not deleted)."""
    return text(FEED_VISIBLE)


def _published_before(after: Keyset | None) -> list[ColumnElement[bool]]:
    if after is None:
        return []
    return [after_key((Post.published_at, Post.id), after)]


def creator_feed_query(creator_id: uuid.UUID, after: Keyset | None, limit: int) -> Select[Post]:
    """One creator's visible posts, newest first: ``limit + 1`` rows of their feed index."""
    return (
        select(Post)
        .where(Post.creator_id == creator_id, _feed_visible(), *_published_before(after))
        .order_by(Post.published_at.desc(), Post.id.desc())
        .limit(limit + 1)
    )


def creator_page_query(
    slug: str, after: Keyset | None, limit: int
) -> tuple[PageStatement, Parameters]:
    """A creator's visible posts found by page address, newest first, with every page-wide read
    of them and whether the creator exists (column ``found``), in one statement. The posts are
    :func:`creator_feed_query`'s ``limit + 1`` rows of the feed index, taken in a LATERAL
    subquery of the creator found by slug."""
    return _creator_page_statement(after is not None, limit), {"slug": slug, **_window(after)}


@cache
def _creator_page_statement(paged: bool, limit: int) -> PageStatement:
    slug = bindparam("slug", type_=Creator.slug.type)
    per_creator = (
        select(Post)
        .where(Post.creator_id == Creator.id, _feed_visible(), *_published_before_cursor(paged))
        .order_by(Post.published_at.desc(), Post.id.desc())
        .limit(_rows(limit))
        .lateral("per_creator")
    )
    posts = select(*per_creator.c).select_from(Creator).join(per_creator, true())
    found = exists(select(Creator.id).where(Creator.slug == slug))
    return with_page(posts.where(Creator.slug == slug), found=found)


def home_feed_with_reads(
    viewer_id: uuid.UUID, after: Keyset | None, limit: int
) -> tuple[PageStatement, Parameters]:
    """Visible posts of every creator the viewer follows or holds a membership of, newest first,
    after the cursor, with every page-wide read of them, in one statement.

    Fan-in on read: for each such creator (its *source*), a LATERAL subquery takes at most
    ``limit + 1`` rows from that creator's ``ix_posts_creator_feed`` (index-only: id and
    published_at), the union is merged by a top-N sort, and only the ``limit + 1`` winners are
    fetched from the table by primary key. Rows read: at most ``S * (limit + 1)`` index entries
    plus ``limit + 1`` posts, where S is the number of sources — independent of the posts table
    and of how deep the reader pages.

    The alternative, fan-out on write (a timeline row per follower and post), reads exactly a
    page but writes O(followers) rows per post, must be backfilled on follow, pruned on unfollow,
    lapse, deletion and access change, and would tie follows and memberships (other owners) to
    this table. Fans follow tens of creators, not thousands, so fan-in wins here. The first
    page, read far more often than any other, is not paid for again while nothing changed:
    :func:`home_first_page_with_reads` reuses the posts it had (issue 14 measured 2,121 rows of
    ``posts`` for a fan with 100 sources on a first read, 21 on a repeated one).
    """
    statement = _home_feed_with_reads(after is not None, limit)
    return statement, {"viewer": viewer_id, **_window(after)}


@cache
def _home_feed_with_reads(paged: bool, limit: int) -> PageStatement:
    return with_page(_home_feed_statement(paged, limit))


def home_first_page_with_reads(
    viewer_id: uuid.UUID, limit: int, cached: FirstPage | None
) -> tuple[PageStatement, Parameters]:
    """The home feed's first page with every page-wide read of its posts, in one statement that
    reads ``limit + 1`` rows of ``posts`` when ``cached`` still holds.

    The statement computes the digest of what decides the first page (column ``digest``: the
    viewer's sources and each one's ``posts_version``, read from ``follows``, ``memberships``
    and ``creators`` by key). When it equals ``cached.digest`` the page's keyset is
    ``cached.posts`` (ids and publication times passed as arrays: no table is read for them);
    otherwise it is :func:`home_feed_with_reads`'s fan-in. Each branch is gated on the digest by
    PostgreSQL before it runs. Either way the page's posts are then read by primary key, and
    only visible ones are kept: a post hidden by a write that forgot to bump ``posts_version``
    still never shows (the page is then a post short). The caller stores the page it got under
    the digest it got (:class:`pickey_api.feeds.cache.FirstPages`).
    """
    values: Parameters = {"viewer": viewer_id}
    posts = cached.posts if cached is not None else []
    values["cached_digest"] = cached.digest if cached is not None else None
    values["cached_published_at"] = [published_at for published_at, _ in posts]
    values["cached_ids"] = [post_id for _, post_id in posts]
    return _home_first_page_with_reads(limit), values


@cache
def _home_first_page_with_reads(limit: int) -> PageStatement:
    sources = _sources().cte("sources")
    digest = _digest_of(sources)
    cached_digest = bindparam("cached_digest", type_=Text())
    remembered = (
        func.unnest(
            bindparam("cached_ids", type_=ARRAY(Uuid())),
            bindparam("cached_published_at", type_=ARRAY(DateTime(timezone=True))),
        )
        .table_valued(column("id", Uuid()), column("published_at", DateTime(timezone=True)))
        .render_derived("remembered")
    )
    kept = select(remembered.c.id, remembered.c.published_at).where(digest == cached_digest)
    fresh = _fan_in(sources, limit, paged=False).where(digest.is_distinct_from(cached_digest))
    candidates = union_all(kept, fresh).subquery("candidates")
    return with_page(_page_of_posts(candidates, limit), digest=digest)


def _digest_of(sources: CTE) -> ScalarSelect[str]:
    """md5 of the viewer's sources and their ``posts_version``, in id order ('' without any),
    computed once per statement. Each version is a correlated lookup by primary key, so the
    plan reads one ``creators`` row per source however many creators there are."""
    version = (
        select(cast(Creator.id, Text) + ":" + cast(Creator.posts_version, Text))
        .where(Creator.id == sources.c.creator_id)
        .scalar_subquery()
    )
    listed = func.string_agg(version, aggregate_order_by(literal(","), sources.c.creator_id))
    once = select(func.md5(func.coalesce(listed, "")).label("digest")).cte("sources_digest")
    return select(once.c.digest).scalar_subquery()


def _sources() -> CompoundSelect[tuple[uuid.UUID]]:
    """The creators the viewer (parameter ``viewer``) follows or holds a membership of."""
    viewer = bindparam("viewer", type_=Uuid())
    held: list[ColumnElement[str]] = [literal_column(f"'{status}'") for status in HELD_STATUSES]
    return union(
        select(Follow.creator_id.label("creator_id")).where(Follow.follower_id == viewer),
        select(Membership.creator_id.label("creator_id")).where(
            Membership.fan_id == viewer, Membership.status.in_(held)
        ),
    )


def _fan_in(sources: Any, limit: int, *, paged: bool) -> Select[tuple[uuid.UUID, datetime]]:
    """For each source, its ``limit + 1`` newest visible posts (after the cursor) from its
    ``ix_posts_creator_feed``, index-only: ids and publication times."""
    per_creator = (
        select(Post.id, Post.published_at)
        .where(
            Post.creator_id == sources.c.creator_id,
            _feed_visible(),
            *_published_before_cursor(paged),
        )
        .order_by(Post.published_at.desc(), Post.id.desc())
        .limit(_rows(limit))
        .lateral("per_creator")
    )
    return select(per_creator.c.id, per_creator.c.published_at).select_from(
        sources.join(per_creator, true())
    )


def _page_of_posts(candidates: Any, limit: int) -> Select[Post]:
    """The ``limit + 1`` newest of ``candidates`` (ids and publication times), read whole by
    primary key; visible ones only (the fan-in's are by construction)."""
    page = (
        select(candidates.c.id, candidates.c.published_at)
        .order_by(candidates.c.published_at.desc(), candidates.c.id.desc())
        .limit(_rows(limit))
        .subquery("page")
    )
    return (
        select(Post)
        .join(page, Post.id == page.c.id)
        .where(_feed_visible())
        .order_by(page.c.published_at.desc(), page.c.id.desc())
    )


@cache
def _home_feed_statement(paged: bool, limit: int) -> Select[Post]:
    sources = _sources().subquery("sources")
    candidates = _fan_in(sources, limit, paged=paged).subquery("candidates")
    return _page_of_posts(candidates, limit)


def dashboard_query(
    creator_id: uuid.UUID,
    status: PostStatus | None,
    after: Keyset | None,
    limit: int,
) -> Select[Post]:
    """The creator's own posts (not deleted), newest created first, optionally of one status:
    ``ix_posts_creator_dashboard`` or ``ix_posts_creator_status_dashboard``."""
    query = select(Post).where(Post.creator_id == creator_id, Post.deleted_at.is_(None))
    if status is not None:
        query = query.where(Post.status == status)
    if after is not None:
        query = query.where(after_key((Post.created_at, Post.id), after))
    return query.order_by(Post.created_at.desc(), Post.id.desc()).limit(limit + 1)


async def posts_of(
    session: AsyncSession, query: Select[Post], parameters: Parameters | None = None
) -> list[Post]:
    return list(await session.scalars(query, parameters))


def newest_first(posts: list[Post]) -> list[Post]:
    """The lists' order, for posts read in none (:func:`posts_with_reads`)."""
    return sorted(posts, key=lambda post: (post.published_at, post.id), reverse=True)
