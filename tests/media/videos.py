"""Video posts as the api leaves them, and Mux webhooks posted to the media app the way Mux does."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from pickey_core.models import (
    InboxEvent,
    LiveState,
    LiveStream,
    MediaAsset,
    MediaKind,
    MediaStatus,
    OutboxMessage,
    Post,
    PostAccess,
    PostKind,
    PostStatus,
    User,
)
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support import mux_events
from tests.support.db import all_rows
from tests.support.mux_events import WEBHOOK_SECRET


@dataclass(frozen=True)
class VideoUpload:
    """A video post and the waiting asset of its Mux direct upload."""

    post_id: uuid.UUID
    asset_id: uuid.UUID
    upload_id: str
    mux_asset_id: str = field(default_factory=lambda: f"mux-asset-{uuid.uuid4().hex}")

    def asset_data(self, status: str, **fields: Any) -> dict[str, Any]:
        return mux_events.asset_data(
            self.mux_asset_id,
            status=status,
            passthrough=str(self.asset_id),
            upload_id=self.upload_id,
            **fields,
        )

    def upload_data(self, status: str = "asset_created") -> dict[str, Any]:
        return mux_events.upload_data(
            self.upload_id, str(self.asset_id), status=status, asset_id=self.mux_asset_id
        )


@dataclass(frozen=True)
class LivePost:
    post_id: uuid.UUID
    live_stream_id: str

    def stream_data(self, status: str, active_asset_id: str | None) -> dict[str, Any]:
        return mux_events.live_stream_data(
            self.live_stream_id,
            status=status,
            active_asset_id=active_asset_id,
            passthrough=str(self.post_id),
        )


async def video_upload(
    resources: Resources,
    *,
    access: PostAccess = PostAccess.MEMBERS,
    status: PostStatus = PostStatus.PUBLISHED,
) -> VideoUpload:
    """What ``POST /posts/{id}/video`` leaves: a video post (not ready) and a waiting asset."""
    async with resources.unit_of_work() as session:
        creator = await make.creator(session)
        post = await make.post(
            session, creator, kind=PostKind.VIDEO, access=access, status=status, media_ready=False
        )
        owner = await session.get(User, creator.user_id)
        assert owner is not None
        upload_id = f"mux-upload-{uuid.uuid4().hex}"
        asset = await make.media_asset(
            session,
            owner,
            kind=MediaKind.VIDEO,
            status=MediaStatus.WAITING,
            post_id=post.id,
            mux_upload_id=upload_id,
            playback_policy="public" if access is PostAccess.PUBLIC else "signed",
        )
        return VideoUpload(post.id, asset.id, upload_id)


async def live_post(resources: Resources, *, status: PostStatus = PostStatus.PUBLISHED) -> LivePost:
    """What creating a live post leaves: the post and its idle Mux live stream."""
    async with resources.unit_of_work() as session:
        creator = await make.creator(session)
        post = await make.post(
            session, creator, kind=PostKind.LIVE, access=PostAccess.MEMBERS, status=status
        )
        live_stream_id = f"mux-live-{uuid.uuid4().hex}"
        session.add(
            LiveStream(
                post_id=post.id,
                state=LiveState.IDLE,
                mux_live_stream_id=live_stream_id,
                mux_stream_key="secret-stream-key",
                playback_id="live-playback",
                playback_policy="signed",
            )
        )
        return LivePost(post.id, live_stream_id)


async def deliver(
    client: httpx.AsyncClient,
    event: dict[str, Any],
    *secrets: str,
    timestamp: int | None = None,
) -> httpx.Response:
    """POST one event to ``/webhooks/mux`` as Mux does (signed with our current secret)."""
    body = mux_events.body_of(event)
    headers = mux_events.signed_headers(body, *(secrets or (WEBHOOK_SECRET,)), timestamp=timestamp)
    return await client.post("/webhooks/mux", content=body, headers=headers)


async def asset_row(resources: Resources, asset_id: uuid.UUID) -> MediaAsset:
    [row] = await all_rows(resources, MediaAsset, MediaAsset.id == asset_id)
    return row


async def post_row(resources: Resources, post_id: uuid.UUID) -> Post:
    [row] = await all_rows(resources, Post, Post.id == post_id)
    return row


async def stream_row(resources: Resources, post_id: uuid.UUID) -> LiveStream:
    [row] = await all_rows(resources, LiveStream, LiveStream.post_id == post_id)
    return row


async def jobs(resources: Resources, job_name: str) -> list[OutboxMessage]:
    return await all_rows(resources, OutboxMessage, OutboxMessage.job_name == job_name)


async def inbox(resources: Resources) -> list[InboxEvent]:
    return await all_rows(resources, InboxEvent)


def ready_event(upload: VideoUpload) -> dict[str, Any]:
    data = upload.asset_data(
        "ready", playback_ids=[{"id": "pb-signed", "policy": "signed"}], duration=12.5
    )
    return mux_events.event("video.asset.ready", data, at=mux_events.EventClock().next())
