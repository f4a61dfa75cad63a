"""The fake Mux's webhooks, over real HTTP: every state change is delivered signed exactly as Mux
signs (checked with Pickey's own verifier, written separately), retried on failure, and
duplicated or reordered when a test asks."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from pickey_core.providers.mux_webhooks import MuxWebhookConfig, verify
from tests.support.mux import MUX_AUTH, MuxSandbox, emptied
from tests.support.receiver import Received, Receiver, receiving

pytestmark = pytest.mark.e2e

SECRET = "whsec-sandbox-test"
OTHER_SECRET = "whsec-being-rolled-in"


@pytest.fixture
def mux(sandbox_url: str) -> Iterator[MuxSandbox]:
    with emptied(sandbox_url) as sandbox:
        yield sandbox


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with receiving() as running:
        yield running


@pytest.fixture
def http(sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sandbox_url, timeout=10, auth=MUX_AUTH) as client:
        yield client


def create_upload(http: httpx.Client, passthrough: str = "our-asset-id") -> dict[str, Any]:
    body = {
        "cors_origin": "https://app.pickey.test",
        "new_asset_settings": {"playback_policies": ["signed"], "passthrough": passthrough},
    }
    data: dict[str, Any] = http.post("/video/v1/uploads", json=body).json()["data"]
    return data


def events(requests: list[Received]) -> list[dict[str, Any]]:
    return [json.loads(request.body) for request in requests]


def wait_for_states(mux: MuxSandbox, *states: str, timeout: float = 15) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        deliveries = mux.deliveries()
        if [delivery["state"] for delivery in deliveries] == list(states):
            return deliveries
        time.sleep(0.02)
    raise AssertionError(f"deliveries never reached {states}: {mux.deliveries()}")


def test_a_file_arriving_sends_both_events_signed_like_mux(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    mux.deliver_webhooks(receiver.url, SECRET)
    upload = create_upload(http)

    assert mux.put_file(upload["url"]).status_code == 200

    first, second = receiver.wait_for(2)
    created, asset = events([first, second])
    assert created["type"] == "video.upload.asset_created"
    assert created["data"]["id"] == upload["id"]
    assert created["data"]["status"] == "asset_created"
    assert asset["type"] == "video.asset.created"
    assert asset["data"]["status"] == "preparing"
    assert asset["data"]["passthrough"] == "our-asset-id"
    assert created["data"]["asset_id"] == asset["data"]["id"]
    for event in (created, asset):
        assert set(event) >= {"type", "id", "created_at", "object", "environment", "data"}
        assert event["object"]["id"] == event["data"]["id"]
    for request in (first, second):
        assert request.path == "/hook"
        assert request.headers["Content-Type"] == "application/json"
        # The receiving side's verifier accepts it: same scheme, independently written.
        verify(
            request.headers["Mux-Signature"],
            request.body,
            MuxWebhookConfig(secrets=SECRET),
        )


def test_one_v1_per_secret_and_any_of_them_verifies(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    mux.deliver_webhooks(receiver.url, OTHER_SECRET, SECRET)
    mux.put_file(create_upload(http)["url"])

    request = receiver.wait_for(2)[0]

    header = request.headers["Mux-Signature"]
    assert header.count("v1=") == 2
    verify(header, request.body, MuxWebhookConfig(secrets=SECRET))
    verify(header, request.body, MuxWebhookConfig(secrets=OTHER_SECRET))


def test_finishing_encoding_sends_ready_or_errored(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    mux.deliver_webhooks(receiver.url, SECRET)
    mux.put_file(create_upload(http, "one")["url"])
    mux.put_file(create_upload(http, "two")["url"])
    receiver.wait_for(4)

    mux.mark_ready(mux.asset_with_passthrough("one")["id"], duration=12.0)
    mux.mark_errored(mux.asset_with_passthrough("two")["id"], "Not a video.")

    ready, errored = events(receiver.wait_for(6)[4:])
    assert (ready["type"], ready["data"]["status"], ready["data"]["duration"]) == (
        "video.asset.ready",
        "ready",
        12.0,
    )
    assert ready["data"]["playback_ids"][0]["policy"] == "signed"
    assert (errored["type"], errored["data"]["errors"]["messages"]) == (
        "video.asset.errored",
        ["Not a video."],
    )


def test_cancelling_an_upload_sends_cancelled(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    mux.deliver_webhooks(receiver.url, SECRET)
    upload = create_upload(http)

    http.put(f"/video/v1/uploads/{upload['id']}/cancel").raise_for_status()

    [cancelled] = events(receiver.wait_for(1))
    assert (cancelled["type"], cancelled["data"]["status"]) == (
        "video.upload.cancelled",
        "cancelled",
    )


def test_a_broadcast_sends_the_live_stream_and_recording_events_in_order(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    mux.deliver_webhooks(receiver.url, SECRET)
    body = {
        "playback_policies": ["signed"],
        "passthrough": "our-post-id",
        "new_asset_settings": {"playback_policies": ["signed"], "passthrough": "our-post-id"},
    }
    stream = http.post("/video/v1/live-streams", json=body).json()["data"]

    for step in ("connected", "recording", "active", "disconnected"):
        mux.live_step(stream["id"], step)
    ended = mux.live_step(stream["id"], "idle", duration=90.0)

    sent = events(receiver.wait_for(8))
    assert [event["type"] for event in sent] == [
        "video.live_stream.connected",
        "video.asset.created",
        "video.live_stream.recording",
        "video.live_stream.active",
        "video.asset.ready",
        "video.live_stream.disconnected",
        "video.live_stream.idle",
        "video.asset.live_stream_completed",
    ]
    recording_id = sent[1]["data"]["id"]
    assert sent[0]["data"]["active_asset_id"] == recording_id
    assert sent[1]["data"]["live_stream_id"] == stream["id"]
    assert sent[1]["data"]["passthrough"] == "our-post-id"
    assert sent[3]["data"]["status"] == "active"
    assert (sent[6]["data"]["status"], sent[6]["data"]["active_asset_id"]) == ("idle", None)
    assert sent[7]["data"]["duration"] == 90.0
    assert ended["recent_asset_ids"] == [recording_id]


def test_a_live_step_needs_a_broadcast_and_a_live_stream(
    http: httpx.Client, mux: MuxSandbox
) -> None:
    stream = http.post("/video/v1/live-streams", json={"playback_policies": ["public"]})
    stream_id = stream.json()["data"]["id"]

    not_connected = http.post(f"/sandbox/mux/live-streams/{stream_id}/active")
    unknown = http.post("/sandbox/mux/live-streams/nope/connected")
    bad_step = http.post(f"/sandbox/mux/live-streams/{stream_id}/exploded")

    assert not_connected.status_code == 400
    assert unknown.status_code == 404
    assert bad_step.status_code == 422


def test_a_non_2xx_answer_is_retried_on_the_schedule_then_delivered(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    receiver.statuses = [500, 503]
    mux.deliver_webhooks(receiver.url, SECRET, retry_delays_seconds=[0.05, 0.05, 0.05])
    upload = create_upload(http)

    http.put(f"/video/v1/uploads/{upload['id']}/cancel").raise_for_status()

    [delivery] = wait_for_states(mux, "delivered")
    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 503, 200]
    bodies = {request.body for request in receiver.requests()}
    assert len(bodies) == 1  # the same event every time
    for request in receiver.requests():
        verify(request.headers["Mux-Signature"], request.body, MuxWebhookConfig(secrets=SECRET))


def test_delivery_gives_up_when_the_schedule_runs_out(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    receiver.statuses = [500] * 10
    mux.deliver_webhooks(receiver.url, SECRET, retry_delays_seconds=[0.05])
    http.put(f"/video/v1/uploads/{create_upload(http)['id']}/cancel").raise_for_status()

    [delivery] = wait_for_states(mux, "gave_up")

    assert [attempt["status_code"] for attempt in delivery["attempts"]] == [500, 500]


def test_an_unreachable_receiver_is_retried_too(http: httpx.Client, mux: MuxSandbox) -> None:
    with receiving() as gone:
        url = gone.url
    mux.deliver_webhooks(url, SECRET, retry_delays_seconds=[0.05])
    http.put(f"/video/v1/uploads/{create_upload(http)['id']}/cancel").raise_for_status()

    [delivery] = wait_for_states(mux, "gave_up")

    assert [attempt["error"] for attempt in delivery["attempts"]] == ["ConnectError"] * 2


def test_duplicates_repeat_each_delivered_event(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    mux.deliver_webhooks(receiver.url, SECRET, duplicates=2)
    http.put(f"/video/v1/uploads/{create_upload(http)['id']}/cancel").raise_for_status()

    requests = receiver.wait_for(3)

    assert len({json.loads(request.body)["id"] for request in requests}) == 1
    [delivery] = wait_for_states(mux, "delivered")
    assert len(delivery["attempts"]) == 3


def test_held_events_are_released_in_the_order_asked_for(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    mux.deliver_webhooks(receiver.url, SECRET, hold=True)
    mux.put_file(create_upload(http)["url"])
    mux.mark_ready(mux.assets()[0]["id"])
    assert [delivery["state"] for delivery in mux.deliveries()] == ["held"] * 3
    assert receiver.requests() == []

    released = mux.release("reverse")

    assert [event["type"] for event in events(receiver.requests())] == [
        "video.asset.ready",
        "video.asset.created",
        "video.upload.asset_created",
    ]
    assert [delivery["state"] for delivery in released] == ["delivered"] * 3


def test_clearing_the_state_drops_held_events_and_restores_the_defaults(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    mux.deliver_webhooks(receiver.url, SECRET, hold=True)
    http.put(f"/video/v1/uploads/{create_upload(http)['id']}/cancel").raise_for_status()

    mux.clear()
    mux.release()

    assert receiver.requests() == []
    assert mux.deliveries() == []
    # The test process's sandbox has no webhook URL by default: nothing is sent.
    http.put(f"/video/v1/uploads/{create_upload(http)['id']}/cancel").raise_for_status()
    assert [delivery["state"] for delivery in mux.deliveries()] == ["not_sent"]


def test_the_page_shows_deliveries_and_live_buttons(
    http: httpx.Client, mux: MuxSandbox, receiver: Receiver
) -> None:
    mux.deliver_webhooks(receiver.url, SECRET, hold=True)
    http.post("/video/v1/live-streams", json={"passthrough": "<b>post</b>"}).raise_for_status()
    http.put(f"/video/v1/uploads/{create_upload(http)['id']}/cancel").raise_for_status()

    page = http.get("/sandbox/mux").text

    assert "video.upload.cancelled" in page
    assert "Send 1 held" in page
    assert ">connected</button>" in page
    assert "&lt;b&gt;post&lt;/b&gt;" in page
    assert "<b>post</b>" not in page
    answer = http.post(
        "/sandbox/mux/webhook/release", headers={"Accept": "text/html"}, follow_redirects=False
    )
    assert answer.status_code == 303
    assert len(receiver.wait_for(1)) == 1
