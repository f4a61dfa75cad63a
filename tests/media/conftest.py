"""The media worker's image job runs in-process on real PostgreSQL, Redis and an S3 server."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI

from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_core.settings import StorageConfig
from pickey_core.storage import Storage, create_storage
from pickey_media.app import create_app
from pickey_media.settings import ImageLimits, MediaSettings
from pickey_media.worker import media_worker
from tests.support.media_uploads import Uploads
from tests.support.mux_events import PREVIOUS_WEBHOOK_SECRET, WEBHOOK_SECRET
from tests.support.settings import TestEnvironment


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


@pytest.fixture
def uploads(resources: Resources, storage: Storage) -> Uploads:
    return Uploads(resources, storage)
