"""Images put in the bucket and recorded as uploaded assets (as the SPA's presigned upload and
the api's upload-completed step do), for the media worker to process."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from pickey_core.models import MediaKind, MediaStatus, PostAccess, PostKind, PostStatus
from pickey_core.queue import outbox
from pickey_core.queue.contracts import ProcessImage
from pickey_core.resources import Resources
from pickey_core.storage import Storage
from tests.support import factories as make


@dataclass(frozen=True)
class Upload:
    asset_id: uuid.UUID
    post_id: uuid.UUID | None


@dataclass
class Uploads:
    """Puts an original in the bucket, as the SPA's presigned upload does, records the asset
    as the api's upload-completed step does, and enqueues ``ProcessImage``."""

    resources: Resources
    storage: Storage

    async def post(
        self,
        *,
        access: PostAccess = PostAccess.MEMBERS,
        status: PostStatus = PostStatus.PUBLISHED,
    ) -> uuid.UUID:
        async with self.resources.unit_of_work() as session:
            creator = await make.creator(session)
            row = await make.post(
                session,
                creator,
                kind=PostKind.PHOTO,
                access=access,
                status=status,
                media_ready=False,
            )
            return row.id

    async def asset(
        self,
        data: bytes,
        *,
        post_id: uuid.UUID | None = None,
        position: int = 0,
        claimed_type: str = "image/jpeg",
        enqueue: bool = True,
    ) -> uuid.UUID:
        key = f"uploads/{uuid.uuid4().hex}/original"
        await self.storage.put(key, data, claimed_type)
        async with self.resources.unit_of_work() as session:
            owner = await make.user(session)
            asset = await make.media_asset(
                session,
                owner,
                kind=MediaKind.IMAGE,
                status=MediaStatus.UPLOADED,
                post_id=post_id,
                position=position,
                original_key=key,
                content_type=claimed_type,
                width=None,
                height=None,
            )
            if enqueue:
                outbox.enqueue(session, ProcessImage(asset_id=asset.id))
            return asset.id

    async def enqueue(self, asset_id: uuid.UUID) -> None:
        async with self.resources.unit_of_work() as session:
            outbox.enqueue(session, ProcessImage(asset_id=asset_id))
