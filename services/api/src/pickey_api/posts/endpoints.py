"""``/api/v1/posts``: create, read, edit, delete, publish and schedule posts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Body, status

from pickey_api.polls.service import InvalidClosesAt
from pickey_api.post_access.gate import KindMismatch, NotPostOwner, known_post
from pickey_api.posts import service
from pickey_api.posts.presenter import present_post
from pickey_api.posts.schemas import PostCreate, PostRead, PostUpdate, PublishRequest
from pickey_api.public_cache.creator_pages import PageInvalidationDep
from pickey_api.uploads import service as uploads
from pickey_api.uploads.dependencies import MuxDep, PlaybackSignerDep
from pickey_core.errors import (
    NotAuthenticated,
    NotPermitted,
    UnsupportedMediaType,
    error_responses,
)
from pickey_core.http.auth import CurrentUser, OptionalUser
from pickey_core.http.creators import NotACreator
from pickey_core.http.dependencies import SessionDep, StorageDep, reads_only
from pickey_core.models import PostKind
from pickey_core.post_readiness import PostNotFound

router = APIRouter(prefix="/posts", tags=["posts"])

# Writes that can change what the public sees also forget the creator's cached page (its post
# count), after the commit.

# Every write: who may write, and what a post may contain.
_WRITE_ERRORS = (NotAuthenticated, NotPermitted, NotPostOwner, PostNotFound)
_CONTENT_ERRORS = (
    service.InvalidAccess,
    service.UnknownTier,
    service.InvalidMedia,
    service.UnknownMediaAsset,
    service.MediaAssetInUse,
    service.InvalidSchedule,
    InvalidClosesAt,
    UnsupportedMediaType,
)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    response_model=PostRead,
    responses=error_responses(
        NotAuthenticated,
        NotPermitted,
        NotACreator,
        *_CONTENT_ERRORS,
        uploads.VideoProviderUnavailable,
    ),
    summary="Create a post (as a draft)",
    description="A live post gets its Mux live stream at once (its stream key: "
    "`GET /posts/{id}/live-stream`, creator only); if Mux is unavailable nothing is created.",
)
async def create_post(
    data: PostCreate,
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    signer: PlaybackSignerDep,
    mux: MuxDep,
) -> PostRead:
    post = await service.create_post(session, user.id, data, datetime.now(UTC))
    if post.kind is PostKind.LIVE:
        await uploads.create_live_stream(session, mux, user, post.id)
    return await present_post(session, storage, user.id, post, playback=signer)


@router.get(
    "/{post_id}",
    response_model=PostRead,
    responses=error_responses(PostNotFound),
    summary="A post (a teaser unless you may read it)",
)
@reads_only
async def read_post(
    post_id: uuid.UUID,
    viewer: OptionalUser,
    session: SessionDep,
    storage: StorageDep,
    signer: PlaybackSignerDep,
) -> PostRead:
    viewer_id = viewer.id if viewer is not None else None
    post = await known_post(session, viewer_id, post_id)
    return await present_post(session, storage, viewer_id, post, playback=signer)


@router.patch(
    "/{post_id}",
    response_model=PostRead,
    responses=error_responses(*_WRITE_ERRORS, *_CONTENT_ERRORS, KindMismatch, service.PollLocked),
    summary="Edit your post",
)
async def update_post(
    invalidation: PageInvalidationDep,
    post_id: uuid.UUID,
    data: PostUpdate,
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    signer: PlaybackSignerDep,
) -> PostRead:
    post = await service.update_post(session, user.id, post_id, data, datetime.now(UTC))
    read = await present_post(session, storage, user.id, post, playback=signer)
    invalidation.forget(read.creator.slug)
    return read


@router.delete(
    "/{post_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(*_WRITE_ERRORS),
    summary="Delete your post",
)
async def delete_post(
    invalidation: PageInvalidationDep, post_id: uuid.UUID, user: CurrentUser, session: SessionDep
) -> None:
    creator = await service.delete_post(session, user.id, post_id, datetime.now(UTC))
    invalidation.forget(creator.slug)


@router.post(
    "/{post_id}/publish",
    response_model=PostRead,
    responses=error_responses(
        *_WRITE_ERRORS,
        service.AlreadyPublished,
        service.InvalidSchedule,
        InvalidClosesAt,
        UnsupportedMediaType,
    ),
    summary="Publish your post now, or schedule it",
)
async def publish_post(
    invalidation: PageInvalidationDep,
    post_id: uuid.UUID,
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    signer: PlaybackSignerDep,
    data: Annotated[PublishRequest | None, Body()] = None,
) -> PostRead:
    publish_at = data.publish_at if data is not None else None
    post = await service.publish_post(session, user.id, post_id, publish_at, datetime.now(UTC))
    read = await present_post(session, storage, user.id, post, playback=signer)
    invalidation.forget(read.creator.slug)
    return read


@router.post(
    "/{post_id}/unschedule",
    response_model=PostRead,
    responses=error_responses(*_WRITE_ERRORS, service.NotScheduled),
    summary="Take your scheduled post back to draft",
)
async def unschedule_post(
    post_id: uuid.UUID,
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    signer: PlaybackSignerDep,
) -> PostRead:
    post = await service.unschedule_post(session, user.id, post_id)
    return await present_post(session, storage, user.id, post, playback=signer)
