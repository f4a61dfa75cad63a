"""``/api/v1/creators``: become a creator, edit your profile, read anyone's public page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response, status

from pickey_api.creators import service
from pickey_api.creators.cache import CreatorPageCacheDep
from pickey_api.creators.schemas import CreatorCreate, CreatorPageRead, CreatorRead, CreatorUpdate
from pickey_api.creators.slugs import InvalidSlug, SlugReserved
from pickey_api.public_cache.creator_pages import PageInvalidationDep
from pickey_core.errors import NotAuthenticated, NotPermitted, UnsupportedMediaType, error_responses
from pickey_core.http.auth import (
    EmailNotVerified,
    OptionalUser,
    SessionStoreDep,
    VerifiedAuth,
    set_session_cookies,
)
from pickey_core.http.creators import CurrentCreator, NotACreator
from pickey_core.http.dependencies import SessionDep, StorageDep

router = APIRouter(prefix="/creators", tags=["creators"])

Slug = Annotated[str, Path(max_length=100, description="The creator page's address.")]


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=CreatorRead,
    responses=error_responses(
        InvalidSlug,
        SlugReserved,
        service.SlugTaken,
        service.AlreadyACreator,
        NotAuthenticated,
        NotPermitted,
        EmailNotVerified,
        UnsupportedMediaType,
    ),
    summary="Become a creator (sets a new session cookie; needs a verified email)",
)
async def become_creator(
    data: CreatorCreate,
    auth: VerifiedAuth,
    session: SessionDep,
    store: SessionStoreDep,
    storage: StorageDep,
    response: Response,
) -> CreatorRead:
    """Becoming a creator changes what the session may do, so the session id is replaced: the
    response sets new session and CSRF cookies, and later writes send the new ``pickey_csrf``
    value as ``X-CSRF-Token``."""
    creator = await service.become_creator(session, auth.user, data)
    # A privilege change: a new session id (and CSRF token), the old id stops working.
    rotated = await store.rotate(auth.session_id)
    if rotated is None:
        raise NotAuthenticated("The session ended meanwhile; log in again.")
    set_session_cookies(response, store.config, *rotated)
    return await service.read_profile(session, storage, creator)


@router.get(
    "/me",
    response_model=CreatorRead,
    responses=error_responses(NotAuthenticated, NotACreator),
    summary="Your creator profile",
)
async def my_profile(
    creator: CurrentCreator, session: SessionDep, storage: StorageDep
) -> CreatorRead:
    return await service.read_profile(session, storage, creator)


@router.patch(
    "/me",
    response_model=CreatorRead,
    responses=error_responses(
        NotAuthenticated,
        NotPermitted,
        NotACreator,
        service.ProfileImageNotFound,
        service.ProfileImageNotAnImage,
        service.ProfileImageInUse,
        service.ProfileImageNotReady,
        UnsupportedMediaType,
    ),
    summary="Edit your creator profile",
)
async def edit_my_profile(
    pages: PageInvalidationDep,
    data: CreatorUpdate,
    creator: CurrentCreator,
    session: SessionDep,
    storage: StorageDep,
) -> CreatorRead:
    await service.update_profile(session, creator, data, pages)
    return await service.read_profile(session, storage, creator)


@router.get(
    "/{slug}",
    response_model=CreatorPageRead,
    responses=error_responses(service.CreatorNotFound),
    summary="A creator's public page: profile, tiers, counts and your relation to them",
)
async def creator_page(
    slug: Slug,
    viewer: OptionalUser,
    session: SessionDep,
    storage: StorageDep,
    cache: CreatorPageCacheDep,
) -> CreatorPageRead:
    cached = await service.public_page(session, storage, cache, slug)
    relation = await service.viewer_relation(session, viewer, cached) if viewer else None
    return CreatorPageRead(**cached.page.model_dump(), viewer=relation)
