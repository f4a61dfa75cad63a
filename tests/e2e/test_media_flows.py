"""Media end to end, real processes only: a creator's photo goes through a presigned upload to the
S3 server and the media worker into the fan's feed; a video goes through a sandbox Mux upload and
Mux's signed webhooks into the feed with playback tokens that verify; a live post goes live,
is announced once and keeps its recording."""

from __future__ import annotations

import base64
import io
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from PIL import Image

from pickey_core.models import InboxEvent, OutboxMessage
from pickey_core.queue.contracts import AnnounceLive, AnnounceNewPost
from pickey_core.resources import Resources
from pickey_core.settings import StorageConfig
from tests.e2e.media_stack import (
    creator_with_tier,
    eventually,
    media_stack,
    member_of,
    ok,
    signed_in,
)
from tests.support.db import all_rows
from tests.support.mux import MuxSandbox, emptied
from tests.support.settings import (
    MUX_SIGNING_KEY_ID,
    MUX_SIGNING_PRIVATE_KEY,
    TestEnvironment,
)


@pytest.fixture
def mux(sandbox_url: str) -> Iterator[MuxSandbox]:
    with emptied(sandbox_url) as sandbox:
        yield sandbox


@pytest.fixture
async def resources(test_env: TestEnvironment, clean_state: None) -> AsyncIterator[Resources]:
    opened = await Resources.open(test_env.api())
    yield opened
    await opened.close()


def public_key() -> Any:
    private = serialization.load_pem_private_key(
        base64.b64decode(MUX_SIGNING_PRIVATE_KEY), password=None
    )
    return private.public_key()


def jpeg(width: int = 2400, height: int = 1600) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


async def jobs(resources: Resources, name: str) -> list[OutboxMessage]:
    return await all_rows(resources, OutboxMessage, OutboxMessage.job_name == name)


async def feed_item(fan: httpx.AsyncClient, post_id: str) -> dict[str, Any] | None:
    items = ok(await fan.get("/feed"))["items"]
    return next((item for item in items if item["id"] == post_id), None)


async def test_a_photo_goes_from_a_presigned_upload_to_the_fans_feed(
    test_env: TestEnvironment,
    resources: Resources,
    s3_storage_config: StorageConfig,
    mux: MuxSandbox,
    tmp_path: Path,
) -> None:
    original = jpeg()
    async with media_stack(test_env, s3_storage_config, mux, tmp_path) as stack:
        creator = await signed_in(stack, "photo-creator@example.cz")
        tier = await creator_with_tier(creator, "photo-creator")
        upload = ok(
            await creator.post(
                "/media/images", json={"content_type": "image/jpeg", "byte_size": len(original)}
            )
        )
        asset_id = upload["asset"]["id"]
        form = upload["upload"]
        async with httpx.AsyncClient(timeout=30) as browser:  # the SPA, straight to S3
            stored = await browser.post(
                form["url"],
                data=form["fields"],
                files={"file": ("photo.jpg", original, "image/jpeg")},
            )
        assert stored.is_success, stored.text
        assert ok(await creator.post(f"/media/{asset_id}/confirm"))["status"] in (
            "uploaded",
            "processing",
            "ready",
        )
        post = ok(
            await creator.post(
                "/posts",
                json={
                    "kind": "photo",
                    "title": "Gordíkey on the beach",
                    "access": "members",
                    "tier_ids": [tier["id"]],
                    "media_asset_ids": [asset_id],
                },
            )
        )
        ok(await creator.post(f"/posts/{post['id']}/publish"))
        fan = await signed_in(stack, "photo-fan@example.cz")
        await member_of(resources, "photo-fan@example.cz", tier["id"])

        item = await eventually(lambda: feed_item(fan, post["id"]), "the photo post in the feed")

        [photo] = item["media"]
        assert (photo["status"], photo["width"], photo["height"]) == ("ready", 2400, 1600)
        assert {"320w.webp", "960w.jpg", "1920w.webp", "teaser"} <= set(photo["urls"])
        async with httpx.AsyncClient(timeout=30) as browser:
            variant = await browser.get(photo["urls"]["960w.webp"])
        assert variant.status_code == 200
        assert Image.open(io.BytesIO(variant.content)).size == (960, 640)
        assert len(await jobs(resources, AnnounceNewPost.job_name)) == 1
        await creator.aclose()
        await fan.aclose()


async def test_a_video_goes_from_a_mux_upload_through_signed_webhooks_to_signed_playback(
    test_env: TestEnvironment,
    resources: Resources,
    s3_storage_config: StorageConfig,
    mux: MuxSandbox,
    tmp_path: Path,
) -> None:
    async with media_stack(test_env, s3_storage_config, mux, tmp_path) as stack:
        creator = await signed_in(stack, "video-creator@example.cz")
        tier = await creator_with_tier(creator, "video-creator")
        post = ok(
            await creator.post(
                "/posts",
                json={
                    "kind": "video",
                    "title": "Steak review",
                    "access": "members",
                    "tier_ids": [tier["id"]],
                },
            )
        )
        ok(await creator.post(f"/posts/{post['id']}/publish"))
        upload = ok(await creator.post(f"/posts/{post['id']}/video"))
        asset_id = upload["asset"]["id"]

        assert mux.put_file(upload["upload_url"], b"\x00\x00\x00\x18ftypmp42 video").is_success

        async def processing() -> bool:
            asset = ok(await creator.get(f"/media/{asset_id}"))
            return asset["status"] == "processing"

        await eventually(processing, "Mux's asset_created/created webhooks applied")
        mux.mark_ready(mux.asset_with_passthrough(asset_id)["id"], duration=93.5)
        fan = await signed_in(stack, "video-fan@example.cz")
        await member_of(resources, "video-fan@example.cz", tier["id"])

        item = await eventually(lambda: feed_item(fan, post["id"]), "the video post in the feed")

        [video] = item["media"]
        assert (video["status"], video["duration_seconds"]) == ("ready", 93.5)
        playback = video["playback"]
        assert playback["policy"] == "signed"
        key = public_key()
        for token, audience in [
            (playback["video_token"], "v"),
            (playback["thumbnail_token"], "t"),
            (playback["storyboard_token"], "s"),
        ]:
            claims = jwt.decode(token, key, algorithms=["RS256"], audience=audience)
            assert claims["sub"] == playback["playback_id"]
            assert jwt.get_unverified_header(token)["kid"] == MUX_SIGNING_KEY_ID
        assert playback["stream_url"].endswith(f"?token={playback['video_token']}")
        [sandbox_asset] = mux.assets()
        assert playback["playback_id"] == sandbox_asset["playback_ids"][0]["id"]
        deliveries = mux.deliveries()
        assert [d["type"] for d in deliveries] == [
            "video.upload.asset_created",
            "video.asset.created",
            "video.asset.ready",
        ]
        assert all(d["attempts"][0]["status_code"] == 202 for d in deliveries)
        assert len(await all_rows(resources, InboxEvent)) == 3
        assert len(await jobs(resources, AnnounceNewPost.job_name)) == 1
        await creator.aclose()
        await fan.aclose()


async def test_a_live_post_goes_live_once_and_keeps_its_recording(
    test_env: TestEnvironment,
    resources: Resources,
    s3_storage_config: StorageConfig,
    mux: MuxSandbox,
    tmp_path: Path,
) -> None:
    async with media_stack(test_env, s3_storage_config, mux, tmp_path) as stack:
        tomorrow = (datetime.now(UTC) + timedelta(days=1)).isoformat()
        creator = await signed_in(stack, "live-creator@example.cz")
        tier = await creator_with_tier(creator, "live-creator")
        post = ok(
            await creator.post(
                "/posts",
                json={
                    "kind": "live",
                    "title": "Evening walk, live",
                    "access": "members",
                    "tier_ids": [tier["id"]],
                    "live": {"scheduled_start_at": tomorrow},
                },
            )
        )
        ok(await creator.post(f"/posts/{post['id']}/publish"))
        fan = await signed_in(stack, "live-fan@example.cz")
        await member_of(resources, "live-fan@example.cz", tier["id"])
        [stream] = mux.live_streams()

        async def live_state(expected: str) -> dict[str, Any] | None:
            item = await feed_item(fan, post["id"])
            return item if item and item["live"]["state"] == expected else None

        for step in ("connected", "recording", "active"):
            mux.live_step(stream["id"], step)
        await eventually(lambda: live_state("active"), "the post live in the feed")
        mux.live_step(stream["id"], "disconnected")
        mux.live_step(stream["id"], "connected")  # back within the reconnect window
        mux.live_step(stream["id"], "active")
        mux.live_step(stream["id"], "disconnected")
        mux.live_step(stream["id"], "idle", duration=1800.0)

        item = await eventually(lambda: live_state("ended"), "the broadcast over")

        [announcement] = await jobs(resources, AnnounceLive.job_name)
        [recording_at_mux] = [a for a in mux.assets() if a.get("live_stream_id") == stream["id"]]
        assert announcement.payload == {
            "post_id": post["id"],
            "broadcast_id": recording_at_mux["id"],
        }

        async def with_recording() -> dict[str, Any] | None:
            found = await feed_item(fan, post["id"])
            return found if found and found["media"] else None

        item = await eventually(with_recording, "the recording on the post")
        [recording] = item["media"]
        assert (recording["kind"], recording["duration_seconds"]) == ("video", 1800.0)
        assert recording["playback"]["playback_id"] == recording_at_mux["playback_ids"][0]["id"]
        assert "stream_key" not in str(item)
        await creator.aclose()
        await fan.aclose()
