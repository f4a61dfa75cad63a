"""SIGTERM to a media worker in the middle of a large image: the image is finished within the
completion wait, or the job goes back to the queue and a later worker finishes it. Either way
the post is never ready while one of its photos is not, and it is announced once."""

from __future__ import annotations

import asyncio
import io
import signal
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
from PIL import Image

from pickey_core.models import (
    MediaAsset,
    MediaKind,
    MediaStatus,
    OutboxMessage,
    Post,
    PostKind,
    User,
)
from pickey_core.queue import outbox
from pickey_core.queue.contracts import AnnounceNewPost, ProcessImage, Queue
from pickey_core.resources import Resources
from pickey_core.settings import StorageConfig
from pickey_core.storage import Storage, create_storage
from tests.e2e.media_stack import eventually, storage_variables
from tests.support import factories as make
from tests.support.db import all_rows
from tests.support.processes import running_all, worker
from tests.support.settings import TestEnvironment


@dataclass(frozen=True)
class Gallery:
    post_id: uuid.UUID
    small: uuid.UUID
    large: uuid.UUID


@pytest.fixture
async def resources(test_env: TestEnvironment, clean_state: None) -> AsyncIterator[Resources]:
    opened = await Resources.open(test_env.api())
    yield opened
    await opened.close()


@pytest.fixture
async def storage(s3_storage_config: StorageConfig) -> AsyncIterator[Storage]:
    async with create_storage(s3_storage_config) as opened:
        yield opened


def png(width: int, height: int) -> bytes:
    """A PNG (no reduced decoding, unlike JPEG): a 49-megapixel one takes seconds to process."""
    buffer = io.BytesIO()
    Image.linear_gradient("L").resize((width, height)).convert("RGB").save(
        buffer, "PNG", compress_level=1
    )
    return buffer.getvalue()


async def gallery(resources: Resources, storage: Storage) -> Gallery:
    """A published photo post with a small and a very large photo, both uploaded and queued."""
    async with resources.unit_of_work() as session:
        creator = await make.creator(session)
        post = await make.post(session, creator, kind=PostKind.PHOTO, media_ready=False)
        owner = await session.get(User, creator.user_id)
        assert owner is not None
        ids = []
        for position, data in enumerate([png(800, 600), png(7000, 7000)]):
            key = f"originals/{uuid.uuid4().hex}"
            await storage.put(key, data, "image/png")
            asset = await make.media_asset(
                session,
                owner,
                kind=MediaKind.IMAGE,
                status=MediaStatus.UPLOADED,
                post_id=post.id,
                position=position,
                original_key=key,
                content_type="image/png",
                width=None,
                height=None,
            )
            outbox.enqueue(session, ProcessImage(asset_id=asset.id))
            ids.append(asset.id)
    return Gallery(post.id, *ids)


async def status(resources: Resources, asset_id: uuid.UUID) -> MediaStatus:
    [row] = await all_rows(resources, MediaAsset, MediaAsset.id == asset_id)
    return row.status


async def post_ready(resources: Resources, post_id: uuid.UUID) -> bool:
    [row] = await all_rows(resources, Post, Post.id == post_id)
    return row.media_ready


async def wait_processing(resources: Resources, asset_id: uuid.UUID) -> None:
    async def processing() -> bool:
        return await status(resources, asset_id) is MediaStatus.PROCESSING

    await eventually(processing, "the large image being processed", timeout=60)


async def finished(resources: Resources, storage: Storage, gallery: Gallery) -> None:
    """Both photos ready, the post ready, with every recorded variant in storage, announced
    exactly once."""
    for asset_id in (gallery.small, gallery.large):
        [row] = await all_rows(resources, MediaAsset, MediaAsset.id == asset_id)
        assert row.status is MediaStatus.READY
        assert {"320w.webp", "320w.jpg"} <= set(row.variants)
        for variant in row.variants.values():
            assert await storage.exists(variant["key"]), variant
    assert await post_ready(resources, gallery.post_id)
    announced = await all_rows(
        resources, OutboxMessage, OutboxMessage.job_name == AnnounceNewPost.job_name
    )
    assert [job.payload for job in announced] == [{"post_id": str(gallery.post_id)}]


async def test_sigterm_lets_the_large_image_finish_within_the_wait(
    test_env: TestEnvironment,
    resources: Resources,
    storage: Storage,
    s3_storage_config: StorageConfig,
    tmp_path: Path,
) -> None:
    env = {**test_env.variables(), **storage_variables(s3_storage_config)}
    patient = worker("media", PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS="60")

    with running_all([patient], env=env, log_dir=tmp_path) as processes:
        photos = await gallery(resources, storage)
        await wait_processing(resources, photos.large)
        processes["media-worker"].signal(signal.SIGTERM)
        exit_code = await asyncio.to_thread(processes["media-worker"].wait, 90)

    assert exit_code == 0
    await finished(resources, storage, photos)
    log = processes["media-worker"].log()
    assert "shutdown on SIGTERM" in log
    assert "cancelled, will be run again" not in log


async def test_a_large_image_cut_off_goes_back_to_the_queue_and_the_post_waits_for_it(
    test_env: TestEnvironment,
    resources: Resources,
    storage: Storage,
    s3_storage_config: StorageConfig,
    tmp_path: Path,
) -> None:
    env = {**test_env.variables(), **storage_variables(s3_storage_config)}
    impatient = worker("media", PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS="0")

    with running_all([impatient], env=env, log_dir=tmp_path) as processes:
        photos = await gallery(resources, storage)
        # Ready, and its job recorded as done (the asset is marked ready before the job's
        # outbox row is completed; a SIGTERM in between would re-queue that job too).
        await eventually(
            lambda: _job_done(resources, photos.small), "the small image's job done", timeout=60
        )
        await wait_processing(resources, photos.large)
        processes["media-worker"].signal(signal.SIGTERM)
        assert await asyncio.to_thread(processes["media-worker"].wait, 90) == 0

    # Cut off mid-way: back in the queue, and the post not ready with one photo missing.
    assert "cancelled, will be run again" in processes["media-worker"].log()
    assert await status(resources, photos.large) is MediaStatus.PROCESSING
    assert not await post_ready(resources, photos.post_id)
    [job] = await all_rows(
        resources,
        OutboxMessage,
        OutboxMessage.job_name == ProcessImage.job_name,
        OutboxMessage.completed_at.is_(None),
    )
    assert job.payload == {"asset_id": str(photos.large)}
    queue = redis.Redis.from_url(test_env.redis_url)
    assert queue.zscore(Queue.MEDIA.value, str(job.id)) is not None

    again = tmp_path / "again"
    again.mkdir()
    with running_all([worker("media")], env=env, log_dir=again):
        await eventually(
            lambda: post_ready(resources, photos.post_id), "the post ready after the re-run"
        )

    await finished(resources, storage, photos)


async def _ready(resources: Resources, asset_id: uuid.UUID) -> bool:
    return await status(resources, asset_id) is MediaStatus.READY


async def _job_done(resources: Resources, asset_id: uuid.UUID) -> bool:
    """The image is ready and its ProcessImage job's outbox row is completed."""
    unfinished = await all_rows(
        resources,
        OutboxMessage,
        OutboxMessage.job_name == ProcessImage.job_name,
        OutboxMessage.completed_at.is_(None),
        OutboxMessage.payload["asset_id"].astext == str(asset_id),
    )
    return not unfinished and await _ready(resources, asset_id)
