"""``/api/v1/feed`` and ``/api/v1/creators/.../posts``: the lists of posts."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from pickey_api.feeds import cache, service
from pickey_api.posts.schemas import PostRead
from pickey_api.settings import SettingsDep
from pickey_api.uploads.dependencies import PlaybackSignerDep
from pickey_core.errors import NotAuthenticated, error_responses
from pickey_core.http.auth import CurrentUser, OptionalUser
from pickey_core.http.creators import NotACreator
from pickey_core.http.dependencies import ResourcesDep, SessionDep, StorageDep, reads_only
from pickey_core.models import PostStatus
from pickey_core.pagination import DEFAULT_LIMIT, Cursor, InvalidCursor, Limit, Page

router = APIRouter(tags=["feeds"])

Slug = Annotated[str, Path(min_length=1, max_length=64, description="The creator's slug.")]


@router.get(
    "/feed",
    response_model=Page[PostRead],
    responses=error_responses(NotAuthenticated, InvalidCursor),
    summary="Home feed: posts of the creators you follow or are a member of",
)
@reads_only
async def home_feed(
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    signer: PlaybackSignerDep,
    first_pages: cache.FirstPagesDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[PostRead]:
    return await service.home_page(session, storage, signer, first_pages, user.id, cursor, limit)


# Declared before /creators/{slug}/posts so that "me" is never taken for a slug.
@router.get(
    "/creators/me/posts",
    response_model=Page[PostRead],
    responses=error_responses(NotAuthenticated, NotACreator, InvalidCursor),
    summary="Your own posts: drafts, scheduled and published",
)
async def my_posts(
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    signer: PlaybackSignerDep,
    status: Annotated[PostStatus | None, Query(description="Only posts in this state.")] = None,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[PostRead]:
    return await service.dashboard_page(session, storage, signer, user.id, status, cursor, limit)


@router.get(
    "/creators/{slug}/posts",
    response_model=Page[PostRead],
    responses=error_responses(service.CreatorNotFound, InvalidCursor),
    summary="A creator's posts, newest first (teasers where you are not entitled)",
)
@reads_only
async def creator_posts(
    slug: Slug,
    viewer: OptionalUser,
    session: SessionDep,
    storage: StorageDep,
    signer: PlaybackSignerDep,
    resources: ResourcesDep,
    settings: SettingsDep,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Response:
    if viewer is not None or cursor is not None:
        viewer_id = viewer.id if viewer is not None else None
        page = await service.creator_page_by_slug(
            session, storage, signer, viewer_id, slug, cursor, limit
        )
        return Response(page.model_dump_json(), media_type="application/json")
    creator = await service.creator_by_slug(session, slug)
    # The hot read: the first page for anonymous visitors comes from Redis.
    key = cache.creator_posts_key(creator, limit)
    body = await cache.cached(resources.redis, key)
    if body is None:
        page = await service.creator_page(session, storage, signer, None, creator, None, limit)
        body = page.model_dump_json().encode()
        await cache.store(resources.redis, key, body, settings.public_cache_seconds)
    return Response(body, media_type="application/json")
