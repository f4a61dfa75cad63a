"""Mux live stream events drive a live post: its state, "X is live" once per broadcast, and each
broadcast's recording joining the post once the broadcast is over."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from pickey_core.models import LiveState, MediaAsset, MediaKind, MediaStatus, PostStatus
from pickey_core.queue.contracts import AnnounceLive, AnnounceMediaFailed
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from tests.media import videos
from tests.support import mux_events
from tests.support.db import all_rows
from tests.support.workers import drain

LIVE = "video.live_stream."


@dataclass
class Broadcast:
    """One broadcast of a live post: its recording's Mux asset id, and events in Mux's order."""

    live: videos.LivePost
    clock: mux_events.EventClock = field(default_factory=mux_events.EventClock)
    recording_id: str = field(default_factory=lambda: f"rec-{uuid.uuid4().hex}")

    def stream(self, step: str, *, status: str = "idle", active: bool = True) -> dict[str, Any]:
        data = self.live.stream_data(status, self.recording_id if active else None)
        return mux_events.event(LIVE + step, data, at=self.clock.next())

    def recording(self, event_type: str, status: str, **fields: Any) -> dict[str, Any]:
        data = mux_events.asset_data(
            self.recording_id,
            status=status,
            passthrough=str(self.live.post_id),
            live_stream_id=self.live.live_stream_id,
            **fields,
        )
        return mux_events.event(event_type, data, at=self.clock.next())


async def deliver_all(
    client: httpx.AsyncClient, worker: WorkerOptions, events: list[dict[str, Any]]
) -> None:
    for event in events:
        assert (await videos.deliver(client, event)).status_code == 202
        await drain(worker)


async def recordings(resources: Resources, live: videos.LivePost) -> list[MediaAsset]:
    return await all_rows(
        resources, MediaAsset, MediaAsset.mux_live_stream_id == live.live_stream_id
    )


async def announcements(resources: Resources) -> list[dict[str, Any]]:
    return [job.payload for job in await videos.jobs(resources, AnnounceLive.job_name)]


async def test_a_broadcast_goes_live_once_ends_and_its_recording_becomes_the_posts_video(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    live = await videos.live_post(resources)
    b = Broadcast(live)
    playback = [{"id": "rec-playback", "policy": "signed"}]
    steps = [
        (b.stream("connected"), LiveState.CONNECTED),
        (b.recording("video.asset.created", "preparing"), LiveState.CONNECTED),
        (b.stream("recording"), LiveState.CONNECTED),
        (b.stream("active", status="active"), LiveState.ACTIVE),
        (b.recording("video.asset.ready", "ready", playback_ids=playback), LiveState.ACTIVE),
        (b.stream("disconnected", status="active"), LiveState.DISCONNECTED),
    ]
    for event, state in steps:
        await deliver_all(media_client, worker, [event])
        stream = await videos.stream_row(resources, live.post_id)
        assert stream.state is state, event["type"]
    # While live, viewers watch the live playback: the recording is not on the post yet.
    [recording] = await recordings(resources, live)
    assert (recording.post_id, recording.status) == (None, MediaStatus.READY)
    assert stream.active_asset_id == b.recording_id
    assert await announcements(resources) == [
        {"post_id": str(live.post_id), "broadcast_id": b.recording_id}
    ]

    await deliver_all(
        media_client,
        worker,
        [
            b.stream("idle", active=False),
            b.recording(
                "video.asset.live_stream_completed",
                "ready",
                playback_ids=playback,
                duration=3600.5,
                aspect_ratio="16:9",
            ),
        ],
    )

    stream = await videos.stream_row(resources, live.post_id)
    assert (stream.state, stream.active_asset_id) == (LiveState.ENDED, None)
    [recording] = await recordings(resources, live)
    assert (recording.post_id, recording.position, recording.kind) == (
        live.post_id,
        0,
        MediaKind.VIDEO,
    )
    assert (recording.status, recording.playback_id, recording.playback_policy) == (
        MediaStatus.READY,
        "rec-playback",
        "signed",
    )
    assert recording.duration_seconds == 3600.5
    assert len(await announcements(resources)) == 1


async def test_a_reconnect_or_a_repeated_active_announces_nothing_new(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    live = await videos.live_post(resources)
    b = Broadcast(live)

    await deliver_all(
        media_client,
        worker,
        [
            b.stream("connected"),
            b.stream("active", status="active"),
            b.stream("active", status="active"),  # Mux's news again, under a new event id
            b.stream("disconnected", status="active"),
            b.stream("connected", status="active"),  # back within the reconnect window
            b.stream("active", status="active"),
        ],
    )

    assert (await videos.stream_row(resources, live.post_id)).state is LiveState.ACTIVE
    assert len(await announcements(resources)) == 1


async def test_each_broadcast_is_announced_and_recorded_on_its_own(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    live = await videos.live_post(resources)
    first = Broadcast(live)
    ready = {"playback_ids": [{"id": "p", "policy": "signed"}]}
    await deliver_all(
        media_client,
        worker,
        [
            first.stream("connected"),
            first.recording("video.asset.created", "preparing"),
            first.stream("active", status="active"),
            first.recording("video.asset.ready", "ready", **ready),
            first.stream("idle", active=False),
        ],
    )
    second = Broadcast(live, clock=first.clock)

    await deliver_all(
        media_client,
        worker,
        [
            second.stream("connected"),
            second.recording("video.asset.created", "preparing"),
            second.stream("active", status="active"),
            second.recording("video.asset.ready", "ready", **ready),
            second.stream("idle", active=False),
        ],
    )

    assert [a["broadcast_id"] for a in await announcements(resources)] == [
        first.recording_id,
        second.recording_id,
    ]
    positions = {r.mux_asset_id: r.position for r in await recordings(resources, live)}
    assert positions == {first.recording_id: 0, second.recording_id: 1}
    assert all(r.post_id == live.post_id for r in await recordings(resources, live))


async def test_an_end_delivered_before_the_start_leaves_the_stream_ended_and_unannounced(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    live = await videos.live_post(resources)
    b = Broadcast(live)
    connected, active, idle = (
        b.stream("connected"),
        b.stream("active", status="active"),
        b.stream("idle", active=False),
    )

    await deliver_all(media_client, worker, [idle, active, connected])

    stream = await videos.stream_row(resources, live.post_id)
    assert stream.state is LiveState.ENDED
    # "X is live" for a broadcast that is already over would only mislead.
    assert await announcements(resources) == []


async def test_an_older_step_after_a_newer_one_changes_nothing(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    live = await videos.live_post(resources)
    b = Broadcast(live)
    connected, active = b.stream("connected"), b.stream("active", status="active")
    await deliver_all(media_client, worker, [active])
    before = await videos.stream_row(resources, live.post_id)

    await deliver_all(media_client, worker, [connected])

    after = await videos.stream_row(resources, live.post_id)
    assert (after.state, after.state_changed_at, after.updated_at) == (
        LiveState.ACTIVE,
        before.state_changed_at,
        before.updated_at,
    )
    assert len(await announcements(resources)) == 1


async def test_a_recording_ready_after_the_broadcast_ended_joins_the_post_then(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    live = await videos.live_post(resources)
    b = Broadcast(live)
    connected, active, idle = (
        b.stream("connected"),
        b.stream("active", status="active"),
        b.stream("idle", active=False),
    )
    ready = b.recording("video.asset.ready", "ready", playback_ids=[{"id": "p", "policy": "s"}])

    await deliver_all(media_client, worker, [connected, active, idle])
    assert await recordings(resources, live) == []
    await deliver_all(media_client, worker, [ready])

    [recording] = await recordings(resources, live)
    assert (recording.post_id, recording.status) == (live.post_id, MediaStatus.READY)


async def test_a_draft_live_post_is_not_announced(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    live = await videos.live_post(resources, status=PostStatus.DRAFT)
    b = Broadcast(live)

    await deliver_all(media_client, worker, [b.stream("connected"), b.stream("active")])

    assert (await videos.stream_row(resources, live.post_id)).state is LiveState.ACTIVE
    assert await announcements(resources) == []


async def test_a_failed_recording_is_told_to_the_creator(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    live = await videos.live_post(resources)
    b = Broadcast(live)
    errors = {"type": "invalid_input", "messages": ["No video track."]}

    await deliver_all(
        media_client,
        worker,
        [b.stream("connected"), b.recording("video.asset.errored", "errored", errors=errors)],
    )

    [recording] = await recordings(resources, live)
    assert recording.status is MediaStatus.FAILED
    [notice] = await videos.jobs(resources, AnnounceMediaFailed.job_name)
    assert notice.payload == {"asset_id": str(recording.id)}


async def test_an_unknown_live_stream_is_stored_and_ignored(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    live = await videos.live_post(resources)
    stranger = Broadcast(videos.LivePost(uuid.uuid4(), "someone-elses-stream"))

    await deliver_all(media_client, worker, [stranger.stream("active", status="active")])

    [stored] = await videos.inbox(resources)
    assert stored.processed_at is not None
    assert (await videos.stream_row(resources, live.post_id)).state is LiveState.IDLE
    assert await announcements(resources) == []
