"""The media worker's image job runs in-process on real PostgreSQL, Redis and an S3 server."""

from __future__ import annotations

import io
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from PIL import Image

from pickey_core.models import MediaKind, MediaStatus, PostAccess, PostKind, PostStatus
from pickey_core.queue import outbox
from pickey_core.queue.contracts import ProcessImage
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_core.settings import StorageConfig
from pickey_core.storage import Storage, create_storage
from pickey_media.app import create_app
from pickey_media.settings import ImageLimits, MediaSettings
from pickey_media.worker import media_worker
from tests.support import factories as make
from tests.support.settings import TestEnvironment

# The media service accepts webhooks signed with either secret (a rotation in progress).
WEBHOOK_SECRET = "whsec-current-0123456789"
PREVIOUS_WEBHOOK_SECRET = "whsec-previous-0123456789"


@pytest.fixture
def image_limits() -> ImageLimits:
    return ImageLimits()


@pytest.fixture
def settings(
    test_env: TestEnvironment, s3_storage_config: StorageConfig, image_limits: ImageLimits
) -> MediaSettings:
    return MediaSettings(
        _env_file=None,
        environment="test",
        database_url=test_env.database_url,
        redis_url=test_env.redis_url,
        storage=s3_storage_config,
        images=image_limits,
        mux_webhook={"secrets": f"{WEBHOOK_SECRET},{PREVIOUS_WEBHOOK_SECRET}"},
        worker={"metrics_port": 0, "poll_delay_seconds": 0.05, "retry_backoff_max_seconds": 1},
    )


@pytest.fixture
def worker(settings: MediaSettings) -> WorkerOptions:
    return media_worker(settings)


@pytest.fixture
async def resources(settings: MediaSettings, clean_state: None) -> AsyncIterator[Resources]:
    opened = await Resources.open(settings)
    yield opened
    await opened.close()


@pytest.fixture
def media_app(settings: MediaSettings, resources: Resources) -> FastAPI:
    return create_app(settings, resources=resources)


@pytest.fixture
async def media_client(media_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    """The media app in-process: what Mux's webhook requests reach."""
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=media_app), base_url="https://media.test"
    ) as client:
        yield client


@pytest.fixture
async def storage(settings: MediaSettings) -> AsyncIterator[Storage]:
    async with create_storage(settings.storage) as opened:
        yield opened


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


@pytest.fixture
def uploads(resources: Resources, storage: Storage) -> Uploads:
    return Uploads(resources, storage)


def encode(image: Image.Image, fmt: str, **options: Any) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, fmt, **options)
    return buffer.getvalue()
