"""Follow and unfollow a creator (``/creators/{slug}/follow``); list yours (``/me/follows``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, status

from pickey_api.creators.service import CreatorNotFound
from pickey_api.follows import service
from pickey_api.follows.schemas import FollowRead
from pickey_api.public_cache.creator_pages import PageInvalidationDep
from pickey_core.errors import NotAuthenticated, NotPermitted, error_responses
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep, StorageDep
from pickey_core.pagination import DEFAULT_LIMIT, Cursor, InvalidCursor, Limit, Page

router = APIRouter(tags=["follows"])

Slug = Annotated[str, Path(max_length=100, description="The creator page's address.")]


@router.put(
    "/creators/{slug}/follow",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(
        NotAuthenticated, NotPermitted, CreatorNotFound, service.CannotFollowSelf
    ),
    summary="Follow a creator for free (idempotent)",
)
async def follow(
    pages: PageInvalidationDep,
    slug: Slug,
    user: CurrentUser,
    session: SessionDep,
) -> None:
    await service.follow(session, user, slug, pages)


@router.delete(
    "/creators/{slug}/follow",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(NotAuthenticated, NotPermitted, CreatorNotFound),
    summary="Stop following a creator (idempotent)",
)
async def unfollow(
    pages: PageInvalidationDep,
    slug: Slug,
    user: CurrentUser,
    session: SessionDep,
) -> None:
    await service.unfollow(session, user, slug, pages)


@router.get(
    "/me/follows",
    response_model=Page[FollowRead],
    responses=error_responses(NotAuthenticated, InvalidCursor),
    summary="Creators you follow",
)
async def my_follows(
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    limit: Limit = DEFAULT_LIMIT,
    cursor: Cursor = None,
) -> Page[FollowRead]:
    return await service.my_follows(session, storage, user, cursor, limit)
