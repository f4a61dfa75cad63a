"""The ``ProcessImage`` job through a real media worker: PostgreSQL, Redis and S3 over HTTP."""

from __future__ import annotations

import io
import os
import uuid
from typing import TYPE_CHECKING

import pytest
from PIL import Image

from pickey_core.models import (
    Creator,
    MediaAsset,
    MediaStatus,
    OutboxMessage,
    Post,
    PostAccess,
    PostStatus,
)
from pickey_core.queue.contracts import AnnounceMediaFailed, AnnounceNewPost, ProcessImage
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_core.settings import StorageConfig
from pickey_core.storage import Storage
from tests.support.db import all_rows
from tests.support.media_uploads import Uploads
from tests.support.sample_pictures import camera_jpeg, encode, png_declaring, quadrants
from tests.support.workers import drain

if TYPE_CHECKING:
    from types_aiobotocore_s3 import S3Client

FULL_SET = {"320w.webp", "320w.jpg", "960w.webp", "960w.jpg", "1920w.webp", "1920w.jpg"}


async def asset(resources: Resources, asset_id: uuid.UUID) -> MediaAsset:
    [row] = await all_rows(resources, MediaAsset, MediaAsset.id == asset_id)
    return row


async def stored_keys(s3: S3Client, config: StorageConfig) -> set[str]:
    listing = await s3.list_objects_v2(Bucket=config.s3_bucket)
    return {item["Key"] for item in listing.get("Contents", [])}


async def announcements(resources: Resources) -> list[OutboxMessage]:
    return await all_rows(
        resources, OutboxMessage, OutboxMessage.job_name == AnnounceNewPost.job_name
    )


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"), ("GIF", "image/gif")],
)
async def test_an_upload_becomes_ready_with_stored_variants(
    resources: Resources,
    worker: WorkerOptions,
    uploads: Uploads,
    storage: Storage,
    fmt: str,
    content_type: str,
) -> None:
    original = encode(quadrants(2400, 1600), fmt)
    asset_id = await uploads.asset(original, post_id=await uploads.post())

    await drain(worker)

    row = await asset(resources, asset_id)
    assert row.status is MediaStatus.READY
    assert row.failure_reason is None
    assert (row.content_type, row.width, row.height, row.byte_size) == (
        content_type,
        2400,
        1600,
        len(original),
    )
    assert set(row.variants) == FULL_SET | {"teaser"}
    for name, variant in row.variants.items():
        assert variant["key"].startswith("media/")
        assert variant["key"].endswith(f"/{name}")
        assert str(asset_id) not in variant["key"]
        assert str(row.post_id) not in variant["key"]
        data = await storage.get(variant["key"])
        assert len(data) == variant["bytes"]
        image = Image.open(io.BytesIO(data))
        assert image.size == (variant["width"], variant["height"])
        assert Image.MIME[image.format or ""] == variant["content_type"]
    assert row.variants["1920w.webp"]["width"] == 1920
    assert row.variants["320w.jpg"]["content_type"] == "image/jpeg"


async def test_each_asset_gets_its_own_unguessable_prefix(
    resources: Resources, worker: WorkerOptions, uploads: Uploads
) -> None:
    post_id = await uploads.post()
    first = await uploads.asset(encode(quadrants(), "JPEG"), post_id=post_id)
    second = await uploads.asset(encode(quadrants(), "JPEG"), post_id=post_id, position=1)

    await drain(worker)

    prefixes = {
        (await asset(resources, asset_id)).variants["teaser"]["key"].rsplit("/", 1)[0]
        for asset_id in (first, second)
    }
    assert len(prefixes) == 2
    assert all(len(prefix) >= len("media/") + 24 for prefix in prefixes)


async def test_a_public_post_gets_no_teaser(
    resources: Resources, worker: WorkerOptions, uploads: Uploads
) -> None:
    post_id = await uploads.post(access=PostAccess.PUBLIC)
    asset_id = await uploads.asset(encode(quadrants(), "JPEG"), post_id=post_id)

    await drain(worker)

    row = await asset(resources, asset_id)
    assert row.status is MediaStatus.READY
    assert "teaser" not in row.variants


async def test_a_png_claimed_as_jpeg_is_processed_as_png(
    resources: Resources, worker: WorkerOptions, uploads: Uploads
) -> None:
    asset_id = await uploads.asset(encode(quadrants(), "PNG"), claimed_type="image/jpeg")

    await drain(worker)

    row = await asset(resources, asset_id)
    assert (row.status, row.content_type) == (MediaStatus.READY, "image/png")


async def test_a_rotated_phone_photo_is_stored_upright_without_gps(
    resources: Resources, worker: WorkerOptions, uploads: Uploads, storage: Storage
) -> None:
    asset_id = await uploads.asset(camera_jpeg(quadrants(640, 480), 6))

    await drain(worker)

    row = await asset(resources, asset_id)
    assert (row.width, row.height) == (640, 480)
    for variant in row.variants.values():
        data = await storage.get(variant["key"])
        assert b"Exif" not in data
        assert b"PhoneMaker" not in data
        image = Image.open(io.BytesIO(data))
        assert len(image.getexif()) == 0
        assert image.width > image.height


HOSTILE = {
    "bomb": (png_declaring(100_000, 100_000), "too many pixels"),
    "truncated": (
        encode(Image.effect_noise((600, 400), 80).convert("RGB"), "JPEG")[:3000],
        "damaged or incomplete",
    ),
    "zero_bytes": (b"", "The file is empty."),
    "random": (os.urandom(2048), "not a supported image"),
    "text": (b"hello, this is not a photo\n", "not a supported image"),
    "pdf": (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\n%%EOF", "not a supported image"),
    "svg": (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>x</script></svg>',
        "not a supported image",
    ),
    "html": (b"<html><script>alert(1)</script></html>", "not a supported image"),
}


async def test_hostile_files_fail_with_a_reason_and_the_worker_keeps_serving(
    resources: Resources,
    worker: WorkerOptions,
    uploads: Uploads,
    s3_admin_client: S3Client,
    s3_storage_config: StorageConfig,
) -> None:
    post_id = await uploads.post()
    hostile = {
        name: await uploads.asset(data, post_id=post_id, position=position)
        for position, (name, (data, _)) in enumerate(HOSTILE.items())
    }
    good = await uploads.asset(encode(quadrants(), "JPEG"))
    originals = await stored_keys(s3_admin_client, s3_storage_config)

    await drain(worker)

    for name, asset_id in hostile.items():
        row = await asset(resources, asset_id)
        assert row.status is MediaStatus.FAILED, name
        assert HOSTILE[name][1] in (row.failure_reason or ""), name
        assert row.variants == {}, name
        assert row.width is None, name
    good_row = await asset(resources, good)
    assert good_row.status is MediaStatus.READY
    stored = await stored_keys(s3_admin_client, s3_storage_config)
    # Only the good image's variants were written.
    assert stored - originals == {variant["key"] for variant in good_row.variants.values()}
    [post] = await all_rows(resources, Post, Post.id == post_id)
    assert not post.media_ready
    assert await announcements(resources) == []
    jobs = await all_rows(resources, OutboxMessage, OutboxMessage.job_name == ProcessImage.job_name)
    assert all(job.completed_at is not None for job in jobs)  # settled, not retried forever
    # The creator hears about each refused file, once.
    notices = await all_rows(
        resources, OutboxMessage, OutboxMessage.job_name == AnnounceMediaFailed.job_name
    )
    assert sorted(notice.payload["asset_id"] for notice in notices) == sorted(
        str(asset_id) for asset_id in hostile.values()
    )


async def test_a_missing_original_fails_the_asset(
    resources: Resources, worker: WorkerOptions, uploads: Uploads, storage: Storage
) -> None:
    asset_id = await uploads.asset(encode(quadrants(), "JPEG"))
    await storage.delete((await asset(resources, asset_id)).original_key or "")

    await drain(worker)

    row = await asset(resources, asset_id)
    assert row.status is MediaStatus.FAILED
    assert row.failure_reason == "The upload never arrived. Please upload it again."


async def test_running_the_job_twice_makes_variants_once(
    resources: Resources,
    worker: WorkerOptions,
    uploads: Uploads,
    s3_admin_client: S3Client,
    s3_storage_config: StorageConfig,
) -> None:
    asset_id = await uploads.asset(encode(quadrants(), "JPEG"), post_id=await uploads.post())
    await drain(worker)
    first = await asset(resources, asset_id)
    keys = await stored_keys(s3_admin_client, s3_storage_config)

    await uploads.enqueue(asset_id)
    await uploads.enqueue(asset_id)
    await drain(worker)

    again = await asset(resources, asset_id)
    assert again.variants == first.variants
    assert again.updated_at == first.updated_at
    assert await stored_keys(s3_admin_client, s3_storage_config) == keys


async def test_a_failed_asset_is_left_alone_by_a_rerun(
    resources: Resources, worker: WorkerOptions, uploads: Uploads
) -> None:
    asset_id = await uploads.asset(b"not an image")
    await drain(worker)
    failed = await asset(resources, asset_id)

    await uploads.enqueue(asset_id)
    await drain(worker)

    again = await asset(resources, asset_id)
    assert (again.status, again.failure_reason, again.updated_at) == (
        failed.status,
        failed.failure_reason,
        failed.updated_at,
    )


async def test_the_post_is_ready_and_announced_once_when_its_last_asset_is_ready(
    resources: Resources, worker: WorkerOptions, uploads: Uploads
) -> None:
    post_id = await uploads.post()
    first = await uploads.asset(encode(quadrants(), "JPEG"), post_id=post_id)
    second = await uploads.asset(
        encode(quadrants(), "PNG"), post_id=post_id, position=1, enqueue=False
    )
    [post] = await all_rows(resources, Post, Post.id == post_id)
    [creator] = await all_rows(resources, Creator, Creator.id == post.creator_id)

    await drain(worker)

    [post] = await all_rows(resources, Post, Post.id == post_id)
    assert (await asset(resources, first)).status is MediaStatus.READY
    assert not post.media_ready
    assert post.announced_at is None
    assert await announcements(resources) == []

    await uploads.enqueue(second)
    await uploads.enqueue(first)
    await drain(worker)

    [post] = await all_rows(resources, Post, Post.id == post_id)
    assert post.media_ready
    assert post.announced_at is not None
    [announcement] = await announcements(resources)
    assert announcement.payload == {"post_id": str(post_id)}
    [bumped] = await all_rows(resources, Creator, Creator.id == post.creator_id)
    assert bumped.posts_version == creator.posts_version + 1


async def test_a_draft_post_becomes_media_ready_without_an_announcement(
    resources: Resources, worker: WorkerOptions, uploads: Uploads
) -> None:
    post_id = await uploads.post(status=PostStatus.DRAFT)
    await uploads.asset(encode(quadrants(), "JPEG"), post_id=post_id)

    await drain(worker)

    [post] = await all_rows(resources, Post, Post.id == post_id)
    assert post.media_ready
    assert post.announced_at is None
    assert await announcements(resources) == []


async def test_an_image_left_processing_by_a_cut_off_run_is_finished_by_the_rerun(
    resources: Resources, worker: WorkerOptions, uploads: Uploads
) -> None:
    post_id = await uploads.post()
    asset_id = await uploads.asset(encode(quadrants(), "JPEG"), post_id=post_id, enqueue=False)
    # What a run cancelled after the shutdown wait leaves behind: the asset marked processing.
    async with resources.unit_of_work() as session:
        row = await session.get(MediaAsset, asset_id)
        assert row is not None
        row.status = MediaStatus.PROCESSING
    [post] = await all_rows(resources, Post, Post.id == post_id)
    assert not post.media_ready

    await uploads.enqueue(asset_id)
    await drain(worker)

    assert (await asset(resources, asset_id)).status is MediaStatus.READY
    [post] = await all_rows(resources, Post, Post.id == post_id)
    assert post.media_ready
    assert len(await announcements(resources)) == 1


async def test_a_refused_image_is_told_to_its_creator_once_however_often_the_job_runs(
    resources: Resources, worker: WorkerOptions, uploads: Uploads
) -> None:
    asset_id = await uploads.asset(b"not an image")
    await uploads.enqueue(asset_id)
    await drain(worker)
    await uploads.enqueue(asset_id)
    await drain(worker)

    notices = await all_rows(
        resources, OutboxMessage, OutboxMessage.job_name == AnnounceMediaFailed.job_name
    )
    assert [notice.payload for notice in notices] == [{"asset_id": str(asset_id)}]
