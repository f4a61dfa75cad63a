"""``/api/v1/media`` and the upload routes of posts: thin routes over
:mod:`pickey_api.uploads.service`."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response, status

from pickey_api.post_access.gate import KindMismatch, NotPostOwner
from pickey_api.settings import SettingsDep
from pickey_api.uploads import service
from pickey_api.uploads.dependencies import MuxDep
from pickey_api.uploads.schemas import (
    ImageUploadCreate,
    ImageUploadRead,
    LiveStreamRead,
    MediaAssetRead,
    PresignedUploadRead,
    VideoUploadRead,
)
from pickey_api.uploads.urls import asset_for_owner
from pickey_core.errors import NotAuthenticated, NotPermitted, UnsupportedMediaType, error_responses
from pickey_core.http.auth import CSRF_HEADER, CurrentUser
from pickey_core.http.creators import NotACreator
from pickey_core.http.dependencies import SessionDep, StorageDep
from pickey_core.post_readiness import PostNotFound

router = APIRouter(tags=["media"])

_WRITE_ERRORS = (NotAuthenticated, NotACreator)
_MUX_ERRORS = (NotPostOwner, PostNotFound, KindMismatch, service.VideoProviderUnavailable)


@router.post(
    "/media/images",
    status_code=status.HTTP_201_CREATED,
    response_model=ImageUploadRead,
    responses=error_responses(
        *_WRITE_ERRORS,
        service.UnsupportedImageType,
        service.ImageTooLarge,
        UnsupportedMediaType,
    ),
    summary="Start an image upload (presigned S3 form)",
    description="Creators only. Post the returned form with the file as its last part, "
    f"`file`, then call `/media/{{id}}/confirm`. Writes need the `{CSRF_HEADER}` header.",
)
async def create_image_upload(
    data: ImageUploadCreate,
    user: CurrentUser,
    session: SessionDep,
    storage: StorageDep,
    settings: SettingsDep,
) -> ImageUploadRead:
    created = await service.create_image_upload(session, storage, settings, user, data)
    return ImageUploadRead(
        asset=await asset_for_owner(storage, created.asset),
        upload=PresignedUploadRead(
            url=created.form.url, fields=created.form.fields, expires_at=created.form.expires_at
        ),
    )


@router.post(
    "/media/{asset_id}/confirm",
    response_model=MediaAssetRead,
    responses=error_responses(
        NotAuthenticated,
        NotPermitted,
        service.MediaNotFound,
        service.NotAnImage,
        service.UploadMissing,
    ),
    summary="Confirm an image upload (starts processing; safe to repeat)",
)
async def confirm_image(
    asset_id: uuid.UUID, user: CurrentUser, session: SessionDep, storage: StorageDep
) -> MediaAssetRead:
    asset = await service.confirm_image(session, storage, user, asset_id)
    return await asset_for_owner(storage, asset)


@router.get(
    # ``:uuid`` in the path: /media/images (POST only) is not taken for an asset id, so a GET
    # there is a 405, and an id that is no UUID names nothing (404).
    "/media/{asset_id:uuid}",
    response_model=MediaAssetRead,
    responses=error_responses(NotAuthenticated, service.MediaNotFound),
    summary="One of your uploads: status, failure reason, URLs once ready",
)
async def get_media(
    asset_id: uuid.UUID, user: CurrentUser, session: SessionDep, storage: StorageDep
) -> MediaAssetRead:
    asset = await service.owned_asset(session, user, asset_id)
    return await asset_for_owner(storage, asset)


@router.post(
    "/posts/{post_id}/video",
    status_code=status.HTTP_201_CREATED,
    response_model=VideoUploadRead,
    responses=error_responses(*_WRITE_ERRORS, *_MUX_ERRORS, service.VideoAlreadyUploaded),
    summary="Start the video upload of a video post (Mux direct upload)",
    description="The post's creator only. PUT the video file to `upload_url`.",
)
async def create_video_upload(
    post_id: uuid.UUID, user: CurrentUser, session: SessionDep, storage: StorageDep, mux: MuxDep
) -> VideoUploadRead:
    created = await service.create_video_upload(session, mux, user, post_id)
    return VideoUploadRead(
        asset=await asset_for_owner(storage, created.asset),
        upload_url=created.upload.url,
        upload_timeout_seconds=created.upload.timeout,
        playback_policy=created.policy.value,
    )


@router.post(
    "/posts/{post_id}/live-stream",
    status_code=status.HTTP_201_CREATED,
    response_model=LiveStreamRead,
    responses={
        200: {"model": LiveStreamRead, "description": "The post already had its stream."},
        **error_responses(*_WRITE_ERRORS, *_MUX_ERRORS),
    },
    summary="Create the live stream of a live post (once; repeating returns it)",
    description="The post's creator only: the answer holds the secret stream key.",
)
async def create_live_stream(
    post_id: uuid.UUID, user: CurrentUser, session: SessionDep, mux: MuxDep, response: Response
) -> LiveStreamRead:
    stream, created = await service.create_live_stream(session, mux, user, post_id)
    if not created:
        response.status_code = status.HTTP_200_OK
    return LiveStreamRead.from_stream(stream)


@router.get(
    "/posts/{post_id}/live-stream",
    response_model=LiveStreamRead,
    responses=error_responses(NotAuthenticated, service.LiveStreamNotFound),
    summary="The live stream of your live post, with its stream key",
)
async def get_live_stream(
    post_id: uuid.UUID, user: CurrentUser, session: SessionDep
) -> LiveStreamRead:
    return LiveStreamRead.from_stream(await service.own_live_stream(session, user, post_id))
