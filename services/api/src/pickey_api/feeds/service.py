"""Pages of posts for each list: the keyset query, then the page presented for the viewer."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.creators.slugs import is_well_formed
from pickey_api.feeds import repository
from pickey_api.feeds.cache import FirstPage, FirstPages
from pickey_api.posts.page_reads import PageReads, posts_with_reads
from pickey_api.posts.presenter import present_posts
from pickey_api.posts.schemas import PostRead
from pickey_core.errors import NotFound
from pickey_core.http.creators import require_creator
from pickey_core.models import Creator, Post, PostStatus
from pickey_core.pagination import Page, decode_cursor, page_of
from pickey_core.providers.mux_tokens import PlaybackSigner
from pickey_core.storage import Storage


class CreatorNotFound(NotFound):
    code = "creator_not_found"


def _after(cursor: str | None) -> repository.Keyset | None:
    if cursor is None:
        return None
    at, post_id = decode_cursor(cursor, datetime, uuid.UUID)
    return at, post_id


async def creator_by_slug(session: AsyncSession, slug: str) -> Creator:
    """The creator at this page address; an address no creator could have is not looked up."""
    creator = await repository.creator_by_slug(session, slug) if is_well_formed(slug) else None
    if creator is None:
        raise CreatorNotFound("There is no such creator.")
    return creator


async def creator_page(
    session: AsyncSession,
    storage: Storage,
    signer: PlaybackSigner,
    viewer_id: uuid.UUID | None,
    creator: Creator,
    cursor: str | None,
    limit: int,
) -> Page[PostRead]:
    """A creator's visible posts, newest first; members-only ones as teasers where due."""
    query = repository.creator_feed_query(creator.id, _after(cursor), limit)
    return await _page(session, storage, signer, viewer_id, query, limit, by_published=True)


async def creator_page_by_slug(
    session: AsyncSession,
    storage: Storage,
    signer: PlaybackSigner,
    viewer_id: uuid.UUID | None,
    slug: str,
    cursor: str | None,
    limit: int,
) -> Page[PostRead]:
    """:func:`creator_page` for a page address: the creator, their posts and everything the page
    shows about them in one statement (one round trip, not three)."""
    if not is_well_formed(slug):
        raise CreatorNotFound("There is no such creator.")
    statement, parameters = repository.creator_page_query(slug, _after(cursor), limit)
    posts, facts, row = await posts_with_reads(
        session, statement, {**parameters, "viewer": viewer_id}
    )
    if not row.found:
        raise CreatorNotFound("There is no such creator.")
    return await _page_of(
        session, storage, signer, viewer_id, repository.newest_first(posts), limit, facts=facts
    )


async def home_page(
    session: AsyncSession,
    storage: Storage,
    signer: PlaybackSigner,
    first_pages: FirstPages,
    viewer_id: uuid.UUID,
    cursor: str | None,
    limit: int,
) -> Page[PostRead]:
    """Posts of the creators the viewer follows or is a member of, newest first.

    Followers see members-only posts too, as teasers: the feed is where they learn what joining
    would bring. The first page's posts are remembered per viewer and reused while nothing that
    decides them changed (:func:`repository.home_first_page_with_reads`); later pages are read
    by fan-in after the cursor.
    """
    if cursor is not None:
        statement, parameters = repository.home_feed_with_reads(viewer_id, _after(cursor), limit)
        posts, facts, _ = await posts_with_reads(session, statement, parameters)
        posts = repository.newest_first(posts)
    else:
        cached = await first_pages.get(viewer_id, limit)
        statement, parameters = repository.home_first_page_with_reads(viewer_id, limit, cached)
        posts, facts, row = await posts_with_reads(session, statement, parameters)
        posts = repository.newest_first(posts)
        if cached is None or cached.digest != row.digest:
            await first_pages.put(viewer_id, limit, FirstPage(row.digest, _keyset(posts)))
    return await _page_of(session, storage, signer, viewer_id, posts, limit, facts=facts)


def _keyset(posts: list[Post]) -> list[tuple[datetime, uuid.UUID]]:
    """``posts`` (in the feed's order) as (publication time, id)."""
    keyset = []
    for post in posts:
        assert post.published_at is not None  # the feed lists published posts only
        keyset.append((post.published_at, post.id))
    return keyset


async def dashboard_page(
    session: AsyncSession,
    storage: Storage,
    signer: PlaybackSigner,
    user_id: uuid.UUID,
    status: PostStatus | None,
    cursor: str | None,
    limit: int,
) -> Page[PostRead]:
    """The creator's own posts — drafts, scheduled and published — newest created first."""
    creator = await require_creator(session, user_id)
    query = repository.dashboard_query(creator.id, status, _after(cursor), limit)
    return await _page(session, storage, signer, user_id, query, limit, by_published=False)


async def _page(
    session: AsyncSession,
    storage: Storage,
    signer: PlaybackSigner,
    viewer_id: uuid.UUID | None,
    query: Select[Post],
    limit: int,
    *,
    by_published: bool,
) -> Page[PostRead]:
    posts = await repository.posts_of(session, query)
    return await _page_of(
        session, storage, signer, viewer_id, posts, limit, by_published=by_published
    )


async def _page_of(
    session: AsyncSession,
    storage: Storage,
    signer: PlaybackSigner,
    viewer_id: uuid.UUID | None,
    posts: list[Post],
    limit: int,
    *,
    by_published: bool = True,
    facts: PageReads | None = None,
) -> Page[PostRead]:
    page = page_of(
        posts,
        limit,
        key=lambda post: (post.published_at if by_published else post.created_at, post.id),
    )
    items = await present_posts(
        session, storage, viewer_id, page.items, playback=signer, facts=facts
    )
    return Page[PostRead](items=items, next_cursor=page.next_cursor)
