"""Upload rules: images through presigned S3 forms, videos and live streams through Mux.

Flushes, never commits: the request boundary commits.

Images: the creator declares type and size, gets a form that S3 accepts only for that type,
at most that size and an unguessable key (``originals/<random>``: never derived from a user,
post or asset id, so nobody can guess where someone's unpublished photo lives), uploads, then
confirms. Confirming checks that the object exists and enqueues ``ProcessImage`` once.

Videos: a Mux direct upload whose asset carries our asset id as ``passthrough``; public posts
get a ``public`` playback policy, members and paid posts ``signed``. The policy is fixed when the
upload is made: changing a post's access later does not change its video's policy (that needs a
new playback id, which is the media service's job).

Ownership: a post or asset that is not the caller's answers 404 like a missing one, so ids
cannot be probed.
"""

from __future__ import annotations

import math
import secrets
import uuid
from dataclasses import dataclass

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.post_access.gate import KindMismatch, own_post
from pickey_api.post_access.repository import get_post
from pickey_api.settings import ApiSettings
from pickey_api.uploads import repository
from pickey_api.uploads.schemas import IMAGE_CONTENT_TYPES, ImageUploadCreate
from pickey_core.errors import (
    Conflict,
    ErrorDetail,
    InvalidInput,
    NotFound,
    ServiceUnavailable,
)
from pickey_core.http.creators import creator_of, require_creator
from pickey_core.media_failures import FailureCode
from pickey_core.models import (
    LiveState,
    LiveStream,
    MediaAsset,
    MediaKind,
    MediaStatus,
    Post,
    PostAccess,
    PostKind,
    User,
)
from pickey_core.providers import ProviderError, ProviderRateLimited
from pickey_core.providers.mux import MuxClient, MuxUpload, PlaybackPolicy
from pickey_core.queue.contracts import ProcessImage
from pickey_core.queue.outbox import enqueue
from pickey_core.storage import PresignedUpload, Storage

logger = structlog.get_logger(__name__)

ORIGINALS_PREFIX = "originals/"
REPLACED_REASON = "Replaced by a newer upload before a file arrived."
# Uploaded, processing or ready: the post has its video.
_VIDEO_TAKEN = frozenset({MediaStatus.UPLOADED, MediaStatus.PROCESSING, MediaStatus.READY})


class UnsupportedImageType(InvalidInput):
    code = "unsupported_image_type"


class ImageTooLarge(InvalidInput):
    code = "image_too_large"


class MediaNotFound(NotFound):
    code = "media_not_found"


class NotAnImage(Conflict):
    code = "not_an_image"


class UploadMissing(Conflict):
    code = "upload_missing"


class VideoAlreadyUploaded(Conflict):
    code = "video_already_uploaded"


class LiveStreamNotFound(NotFound):
    code = "live_stream_not_found"


class VideoProviderUnavailable(ServiceUnavailable):
    code = "video_provider_unavailable"


@dataclass(frozen=True)
class ImageUpload:
    asset: MediaAsset
    form: PresignedUpload


@dataclass(frozen=True)
class VideoUpload:
    asset: MediaAsset
    upload: MuxUpload
    policy: PlaybackPolicy


def new_original_key() -> str:
    """A key nobody can guess or derive: 192 random bits."""
    return ORIGINALS_PREFIX + secrets.token_urlsafe(24)


def playback_policy(post: Post) -> PlaybackPolicy:
    return PlaybackPolicy.PUBLIC if post.access is PostAccess.PUBLIC else PlaybackPolicy.SIGNED


# --- images ---------------------------------------------------------------------------------


async def create_image_upload(
    session: AsyncSession,
    storage: Storage,
    settings: ApiSettings,
    user: User,
    data: ImageUploadCreate,
) -> ImageUpload:
    """A waiting image asset of ``user`` and the form that uploads its original.

    The form's size limit is the declared size (S3 refuses more), so a browser cannot declare a
    small file and send a large one.
    """
    await require_creator(session, user.id)
    content_type = data.content_type.strip().lower()
    if content_type not in IMAGE_CONTENT_TYPES:
        raise UnsupportedImageType(
            f"Images must be one of {', '.join(IMAGE_CONTENT_TYPES)}.",
            details=[_detail("content_type", "not an accepted image type", "unsupported_type")],
        )
    if data.byte_size > settings.image_upload_max_bytes:
        limit_mb = settings.image_upload_max_bytes / (1024 * 1024)
        raise ImageTooLarge(
            f"Images may be at most {limit_mb:g} MB.",
            details=[_detail("byte_size", "larger than the limit", "too_large")],
        )
    asset = MediaAsset(
        id=uuid.uuid4(),
        owner_id=user.id,
        kind=MediaKind.IMAGE,
        status=MediaStatus.WAITING,
        original_key=new_original_key(),
        content_type=content_type,
        byte_size=data.byte_size,
    )
    session.add(asset)
    await session.flush()
    await session.refresh(asset)
    assert asset.original_key is not None
    form = await storage.presign_upload(
        asset.original_key,
        content_type=content_type,
        max_bytes=data.byte_size,
        expires_in=settings.upload_url_ttl_seconds,
    )
    return ImageUpload(asset, form)


async def owned_asset(session: AsyncSession, user: User, asset_id: uuid.UUID) -> MediaAsset:
    asset = await repository.get_asset(session, asset_id)
    if asset is None or asset.owner_id != user.id:
        raise MediaNotFound("There is no such upload.")
    return asset


async def confirm_image(
    session: AsyncSession, storage: Storage, user: User, asset_id: uuid.UUID
) -> MediaAsset:
    """The browser says the original is in storage: check, mark uploaded, enqueue processing.

    Confirming again (a retried request, a double click) changes nothing and enqueues nothing.
    """
    asset = await owned_asset(session, user, asset_id)
    if asset.kind is not MediaKind.IMAGE:
        raise NotAnImage("Only images are confirmed; Mux reports videos by itself.")
    if asset.status is MediaStatus.WAITING:
        assert asset.original_key is not None
        if not await storage.exists(asset.original_key):
            raise UploadMissing("The file has not arrived in storage; upload it, then confirm.")
        if await repository.mark_uploaded(session, asset.id):
            enqueue(session, ProcessImage(asset_id=asset.id))
        await session.refresh(asset)
    return asset


# --- videos ---------------------------------------------------------------------------------


async def create_video_upload(
    session: AsyncSession, mux: MuxClient, user: User, post_id: uuid.UUID
) -> VideoUpload:
    """A Mux direct upload for the caller's video post, and the waiting asset behind it.

    A post whose video arrived (uploaded, processing or ready) is refused. Earlier uploads that
    never received a file (or failed) are detached, so a creator who abandoned an upload can
    start again; waiting ones are cancelled at Mux as a courtesy (they expire anyway).
    """
    _, post = await own_post(session, user.id, post_id)
    if post.kind is not PostKind.VIDEO:
        raise KindMismatch("Only video posts take a video upload.")
    attached = await repository.assets_of_post(session, post.id)
    if any(asset.status in _VIDEO_TAKEN for asset in attached):
        raise VideoAlreadyUploaded("This post already has its video.")
    policy = playback_policy(post)
    asset_id = uuid.uuid4()
    try:
        upload = await mux.create_upload(passthrough=str(asset_id), playback_policy=policy)
    except ProviderError as error:
        raise _provider_unavailable(error) from error
    abandoned = [asset for asset in attached if asset.status is MediaStatus.WAITING]
    for stale in attached:
        _retire(stale)
    asset = MediaAsset(
        id=asset_id,
        owner_id=user.id,
        post_id=post.id,
        position=0,
        kind=MediaKind.VIDEO,
        status=MediaStatus.WAITING,
        mux_upload_id=upload.id,
        playback_policy=policy.value,
    )
    session.add(asset)
    await session.flush()
    await session.refresh(asset)
    for stale in abandoned:
        await _cancel_quietly(mux, stale)
    return VideoUpload(asset, upload, policy)


def _retire(asset: MediaAsset) -> None:
    asset.post_id = None
    asset.position = 0
    if asset.status is MediaStatus.WAITING:
        asset.status = MediaStatus.FAILED
        asset.failure_reason = REPLACED_REASON
        asset.failure_code = FailureCode.REPLACED


async def _cancel_quietly(mux: MuxClient, asset: MediaAsset) -> None:
    if asset.mux_upload_id is None:
        return
    try:
        await mux.cancel_upload(asset.mux_upload_id)
    except ProviderError as error:
        logger.info(
            "could not cancel a replaced Mux upload", asset_id=str(asset.id), error=str(error)
        )


# --- live streams ---------------------------------------------------------------------------


async def create_live_stream(
    session: AsyncSession, mux: MuxClient, user: User, post_id: uuid.UUID
) -> tuple[LiveStream, bool]:
    """The Mux live stream of the caller's live post, made on the first call; ``True`` when it
    was made now. Asking again returns the same stream (one stream, one key per post)."""
    _, post = await own_post(session, user.id, post_id)
    if post.kind is not PostKind.LIVE:
        raise KindMismatch("Only live posts have a live stream.")
    stream = await repository.live_stream(session, post.id)
    if stream is not None and stream.mux_live_stream_id is not None:
        return stream, False
    policy = playback_policy(post)
    try:
        created = await mux.create_live_stream(passthrough=str(post.id), playback_policy=policy)
    except ProviderError as error:
        raise _provider_unavailable(error) from error
    if stream is None:
        stream = LiveStream(post_id=post.id, state=LiveState.IDLE)
        session.add(stream)
    stream.mux_live_stream_id = created.id
    stream.mux_stream_key = created.stream_key.get_secret_value()
    stream.playback_id = created.playback_ids[0].id if created.playback_ids else None
    stream.playback_policy = policy.value
    await session.flush()
    await session.refresh(stream)
    return stream, True


async def own_live_stream(session: AsyncSession, user: User, post_id: uuid.UUID) -> LiveStream:
    """The caller's live stream; anyone else (and a post without one yet) gets 404."""
    creator = await creator_of(session, user.id)
    post = await get_post(session, post_id)
    stream = await repository.live_stream(session, post_id) if post is not None else None
    if (
        creator is None
        or post is None
        or post.creator_id != creator.id
        or post.deleted_at is not None
        or stream is None
        or stream.mux_live_stream_id is None
    ):
        raise LiveStreamNotFound("There is no live stream for this post yet.")
    return stream


# --- shared ---------------------------------------------------------------------------------


def _provider_unavailable(error: ProviderError) -> VideoProviderUnavailable:
    logger.warning("mux call failed", error=str(error), status_code=error.status_code)
    headers = None
    if isinstance(error, ProviderRateLimited) and error.retry_after is not None:
        headers = {"Retry-After": str(max(1, math.ceil(error.retry_after)))}
    return VideoProviderUnavailable(
        "The video service is not answering; try again in a moment.", headers=headers
    )


def _detail(field: str, message: str, kind: str) -> ErrorDetail:
    return ErrorDetail(loc=["body", field], message=message, type=kind)
