"""Mux upload and asset events move our video assets forward only, whatever order and however
often they arrive; the post becomes ready (and announced) once, failures are told once."""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest

from pickey_core.models import MediaStatus, PostAccess, PostStatus
from pickey_core.queue.contracts import AnnounceMediaFailed, AnnounceNewPost
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from tests.media import videos
from tests.support import mux_events
from tests.support.workers import drain

PLAYBACK_IDS = [{"id": "pb-public", "policy": "public"}, {"id": "pb-signed", "policy": "signed"}]


def lifecycle(upload: videos.VideoUpload) -> list[dict[str, Any]]:
    """What Mux sends for one successful upload, in the order it happened."""
    clock = mux_events.EventClock()
    return [
        mux_events.event("video.upload.asset_created", upload.upload_data(), at=clock.next()),
        mux_events.event("video.asset.created", upload.asset_data("preparing"), at=clock.next()),
        mux_events.event(
            "video.asset.ready",
            upload.asset_data(
                "ready", playback_ids=PLAYBACK_IDS, duration=42.5, aspect_ratio="16:9"
            ),
            at=clock.next(),
        ),
    ]


async def deliver_all(
    client: httpx.AsyncClient, worker: WorkerOptions, events: list[dict[str, Any]]
) -> None:
    """Deliver and process the events one at a time, in the order given."""
    for event in events:
        assert (await videos.deliver(client, event)).status_code == 202
        await drain(worker)


async def test_an_upload_moves_through_every_state_to_ready_with_its_playback(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources)
    seen = []
    for event in lifecycle(upload):
        await deliver_all(media_client, worker, [event])
        seen.append((await videos.asset_row(resources, upload.asset_id)).status)

    assert seen == [MediaStatus.UPLOADED, MediaStatus.PROCESSING, MediaStatus.READY]
    asset = await videos.asset_row(resources, upload.asset_id)
    assert asset.mux_asset_id == upload.mux_asset_id
    # The policy the upload asked for (members post: signed), not simply the first one.
    assert (asset.playback_id, asset.playback_policy) == ("pb-signed", "signed")
    assert (asset.duration_seconds, asset.aspect_ratio, asset.failure_reason) == (
        42.5,
        "16:9",
        None,
    )
    post = await videos.post_row(resources, upload.post_id)
    assert post.media_ready
    [announcement] = await videos.jobs(resources, AnnounceNewPost.job_name)
    assert announcement.payload == {"post_id": str(upload.post_id)}
    assert [e.processed_at is not None for e in await videos.inbox(resources)] == [True] * 3


@pytest.mark.parametrize(
    "order", [[2, 1, 0], [2, 0, 1], [1, 2, 0], [0, 2, 1]], ids=lambda o: "-".join(map(str, o))
)
async def test_events_out_of_order_never_move_an_asset_back(
    resources: Resources,
    media_client: httpx.AsyncClient,
    worker: WorkerOptions,
    order: list[int],
) -> None:
    upload = await videos.video_upload(resources)
    events = lifecycle(upload)

    await deliver_all(media_client, worker, [events[i] for i in order])

    asset = await videos.asset_row(resources, upload.asset_id)
    assert asset.status is MediaStatus.READY
    assert (asset.playback_id, asset.duration_seconds) == ("pb-signed", 42.5)
    assert (await videos.post_row(resources, upload.post_id)).media_ready
    assert len(await videos.jobs(resources, AnnounceNewPost.job_name)) == 1


async def test_events_handled_concurrently_end_in_the_same_state(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources)
    for event in reversed(lifecycle(upload)):
        assert (await videos.deliver(media_client, event)).status_code == 202

    await drain(worker)  # the three jobs run at the same time

    assert (await videos.asset_row(resources, upload.asset_id)).status is MediaStatus.READY
    assert (await videos.post_row(resources, upload.post_id)).media_ready
    assert len(await videos.jobs(resources, AnnounceNewPost.job_name)) == 1


async def test_an_older_event_after_ready_changes_nothing_at_all(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources)
    created, preparing, ready = lifecycle(upload)
    await deliver_all(media_client, worker, [created, ready])
    before = await videos.asset_row(resources, upload.asset_id)

    # The preparing event, late; then the upload's news again under a new event id.
    await deliver_all(media_client, worker, [preparing, {**created, "id": str(uuid.uuid4())}])

    after = await videos.asset_row(resources, upload.asset_id)
    assert (after.status, after.updated_at) == (before.status, before.updated_at)


async def test_an_errored_asset_fails_with_the_reason_and_the_creator_is_told_once(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources)
    clock = mux_events.EventClock()
    errors = {"type": "invalid_input", "messages": ["The file is not a video."]}
    errored = upload.asset_data("errored", errors=errors)
    ready = upload.asset_data("ready", playback_ids=PLAYBACK_IDS)

    await deliver_all(
        media_client,
        worker,
        [
            mux_events.event("video.asset.errored", errored, at=clock.next()),
            # Mux sends the same news again under a new event id, then a stale ready.
            mux_events.event("video.asset.errored", errored, at=clock.next()),
            mux_events.event("video.asset.ready", ready, at=clock.next()),
        ],
    )

    asset = await videos.asset_row(resources, upload.asset_id)
    assert asset.status is MediaStatus.FAILED
    # The provider's words stay for support; the creator gets our reason code.
    assert asset.failure_reason == "Mux: asset errored (invalid_input): The file is not a video."
    assert asset.failure_code == "unreadable_file"
    assert asset.playback_id is None
    [notice] = await videos.jobs(resources, AnnounceMediaFailed.job_name)
    assert notice.payload == {"asset_id": str(upload.asset_id)}
    assert not (await videos.post_row(resources, upload.post_id)).media_ready
    assert await videos.jobs(resources, AnnounceNewPost.job_name) == []


async def test_an_upload_error_fails_the_asset_and_is_told(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources)
    data = upload.upload_data("errored") | {"error": {"type": "x", "message": "File too big"}}

    await deliver_all(
        media_client,
        worker,
        [mux_events.event("video.upload.errored", data, at=mux_events.EventClock().next())],
    )

    asset = await videos.asset_row(resources, upload.asset_id)
    assert (asset.status, asset.failure_reason, asset.failure_code) == (
        MediaStatus.FAILED,
        "Mux: upload errored: File too big",
        "file_too_large",
    )
    assert len(await videos.jobs(resources, AnnounceMediaFailed.job_name)) == 1


async def test_a_cancelled_upload_fails_quietly(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources)
    event = mux_events.event(
        "video.upload.cancelled",
        upload.upload_data("cancelled"),
        at=mux_events.EventClock().next(),
    )

    await deliver_all(media_client, worker, [event])

    assert (await videos.asset_row(resources, upload.asset_id)).status is MediaStatus.FAILED
    assert await videos.jobs(resources, AnnounceMediaFailed.job_name) == []


async def test_a_video_deleted_at_mux_takes_the_post_out_of_the_feeds(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources)
    events = lifecycle(upload)
    deleted = mux_events.event(
        "video.asset.deleted", upload.asset_data("ready"), at=mux_events.EventClock().next()
    )

    await deliver_all(media_client, worker, [*events, deleted])

    assert (await videos.asset_row(resources, upload.asset_id)).status is MediaStatus.FAILED
    assert not (await videos.post_row(resources, upload.post_id)).media_ready


async def test_a_draft_becomes_media_ready_without_an_announcement(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources, status=PostStatus.DRAFT)

    await deliver_all(media_client, worker, lifecycle(upload))

    assert (await videos.post_row(resources, upload.post_id)).media_ready
    assert await videos.jobs(resources, AnnounceNewPost.job_name) == []


async def test_a_public_post_plays_its_public_playback_id(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources, access=PostAccess.PUBLIC)

    await deliver_all(media_client, worker, lifecycle(upload))

    asset = await videos.asset_row(resources, upload.asset_id)
    assert (asset.playback_id, asset.playback_policy) == ("pb-public", "public")


@pytest.mark.parametrize(
    "data",
    [
        mux_events.asset_data("unknown-mux-asset", status="ready", passthrough=str(uuid.uuid4())),
        mux_events.asset_data("unknown-mux-asset", status="ready", passthrough="not-a-uuid"),
        mux_events.asset_data("unknown-mux-asset", status="ready", upload_id="unknown-upload"),
        mux_events.asset_data(
            "unknown-mux-asset", status="ready", live_stream_id="unknown-live-stream"
        ),
    ],
    ids=["unknown-passthrough", "foreign-passthrough", "unknown-upload", "unknown-live-stream"],
)
async def test_an_unknown_asset_is_stored_and_ignored(
    resources: Resources,
    media_client: httpx.AsyncClient,
    worker: WorkerOptions,
    data: dict[str, Any],
) -> None:
    ours = await videos.video_upload(resources)
    before = await videos.asset_row(resources, ours.asset_id)
    event = mux_events.event("video.asset.ready", data, at=mux_events.EventClock().next())

    response = await videos.deliver(media_client, event)
    await drain(worker)

    assert response.status_code == 202
    [stored] = await videos.inbox(resources)
    assert (stored.external_id, stored.processed_at is not None, stored.last_error) == (
        event["id"],
        True,
        None,
    )
    after = await videos.asset_row(resources, ours.asset_id)
    assert (after.status, after.updated_at) == (before.status, before.updated_at)


async def test_a_mux_asset_that_contradicts_our_upload_is_ignored(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources)
    await deliver_all(media_client, worker, lifecycle(upload)[:1])
    other = mux_events.asset_data(
        "another-mux-asset", status="errored", passthrough=str(upload.asset_id)
    )

    await deliver_all(
        media_client,
        worker,
        [mux_events.event("video.asset.errored", other, at=mux_events.EventClock().next())],
    )

    asset = await videos.asset_row(resources, upload.asset_id)
    assert (asset.status, asset.mux_asset_id) == (MediaStatus.UPLOADED, upload.mux_asset_id)


@pytest.mark.parametrize(
    ("event_type", "data"),
    [
        ("video.asset.track.ready", {"id": "track-1", "type": "audio", "asset_id": "x"}),
        ("video.upload.created", {"id": "up-1", "status": "waiting"}),
        ("video.live_stream.created", {"id": "live-1", "status": "idle"}),
        ("video.asset.static_renditions.ready", {"id": "a-1", "status": "ready"}),
    ],
)
async def test_event_types_we_do_not_act_on_are_stored_and_marked_processed(
    resources: Resources,
    media_client: httpx.AsyncClient,
    worker: WorkerOptions,
    event_type: str,
    data: dict[str, Any],
) -> None:
    event = mux_events.event(event_type, data, at=mux_events.EventClock().next())

    assert (await videos.deliver(media_client, event)).status_code == 202
    await drain(worker)

    [stored] = await videos.inbox(resources)
    assert stored.processed_at is not None


async def test_a_signed_event_with_unreadable_data_is_kept_with_the_reason(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    event = mux_events.event(
        "video.asset.ready", {"id": "a-1", "status": 7}, at=mux_events.EventClock().next()
    )

    assert (await videos.deliver(media_client, event)).status_code == 202
    await drain(worker)

    [stored] = await videos.inbox(resources)
    assert stored.processed_at is not None
    assert (stored.last_error or "").startswith("unreadable")
