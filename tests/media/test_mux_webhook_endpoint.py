"""``POST /webhooks/mux``: only fresh, genuinely signed events are stored, each once, and
everything else is a clear 4xx with nothing written."""

from __future__ import annotations

import time

import httpx
import pytest
from prometheus_client import REGISTRY

from pickey_core.models import MediaStatus
from pickey_core.queue.contracts import HandleMuxEvent
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from tests.media import videos
from tests.media.videos import ready_event
from tests.support import mux_events
from tests.support.mux_events import PREVIOUS_WEBHOOK_SECRET, WEBHOOK_SECRET
from tests.support.workers import drain


def failures() -> float:
    value = REGISTRY.get_sample_value(
        "pickey_webhook_signature_failures_total", {"provider": "mux"}
    )
    return value or 0.0


async def nothing_stored(resources: Resources) -> bool:
    return not await videos.inbox(resources) and not await videos.jobs(
        resources, HandleMuxEvent.job_name
    )


async def test_a_signed_event_is_stored_answered_202_and_applied_by_the_worker(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources)
    event = ready_event(upload)

    response = await videos.deliver(media_client, event)

    assert response.status_code == 202, response.text
    assert response.json() == {"received": True, "duplicate": False}
    [stored] = await videos.inbox(resources)
    assert (stored.provider, stored.external_id, stored.event_type) == (
        "mux",
        event["id"],
        "video.asset.ready",
    )
    assert stored.payload == event
    assert stored.processed_at is None
    [job] = await videos.jobs(resources, HandleMuxEvent.job_name)
    assert job.payload == {"inbox_event_id": str(stored.id)}

    await drain(worker)

    [stored] = await videos.inbox(resources)
    assert stored.processed_at is not None
    assert (await videos.asset_row(resources, upload.asset_id)).status is MediaStatus.READY


@pytest.mark.parametrize(
    ("secrets", "change"),
    [
        (("whsec-forged-by-someone",), None),
        ((WEBHOOK_SECRET,), "tampered"),
        ((), "unsigned v1 of another body"),
    ],
    ids=["unknown-secret", "tampered-body", "signature-of-another-body"],
)
async def test_a_forged_event_is_refused_with_401_and_nothing_is_stored(
    resources: Resources,
    media_client: httpx.AsyncClient,
    secrets: tuple[str, ...],
    change: str | None,
) -> None:
    upload = await videos.video_upload(resources)
    body = mux_events.body_of(ready_event(upload))
    headers = mux_events.signed_headers(body, *(secrets or (WEBHOOK_SECRET,)))
    if change == "tampered":
        body = body.replace(b"12.5", b"99.5")
    if change == "unsigned v1 of another body":
        headers = mux_events.signed_headers(b'{"id":"other"}', WEBHOOK_SECRET)
    before = failures()

    response = await media_client.post("/webhooks/mux", content=body, headers=headers)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "webhook_signature_invalid"
    assert await nothing_stored(resources)
    assert failures() == before + 1


@pytest.mark.parametrize("offset", [-301, -3600, 301], ids=["just-expired", "old", "future"])
async def test_a_timestamp_outside_five_minutes_is_refused_even_when_signed(
    resources: Resources, media_client: httpx.AsyncClient, offset: int
) -> None:
    upload = await videos.video_upload(resources)
    before = failures()

    response = await videos.deliver(
        media_client, ready_event(upload), timestamp=int(time.time()) + offset
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "webhook_signature_expired"
    assert await nothing_stored(resources)
    assert failures() == before + 1


async def test_a_timestamp_within_the_tolerance_is_accepted(
    resources: Resources, media_client: httpx.AsyncClient
) -> None:
    upload = await videos.video_upload(resources)

    response = await videos.deliver(
        media_client, ready_event(upload), timestamp=int(time.time()) - 240
    )

    assert response.status_code == 202


@pytest.mark.parametrize(
    ("header", "status", "code"),
    [
        (None, 401, "webhook_signature_missing"),
        ("", 401, "webhook_signature_missing"),
        ("v1=" + "a" * 64, 400, "webhook_signature_malformed"),
        ("t=abc,v1=" + "a" * 64, 400, "webhook_signature_malformed"),
        ("t=1,t=2,v1=" + "a" * 64, 400, "webhook_signature_malformed"),
        ("t=1700000000", 400, "webhook_signature_malformed"),
        ("t=1700000000,v1=not-hex", 400, "webhook_signature_malformed"),
        ("t=1700000000;v1=" + "a" * 64, 400, "webhook_signature_malformed"),
        ("garbage", 400, "webhook_signature_malformed"),
    ],
)
async def test_a_malformed_signature_header_is_a_clear_4xx(
    resources: Resources,
    media_client: httpx.AsyncClient,
    header: str | None,
    status: int,
    code: str,
) -> None:
    upload = await videos.video_upload(resources)
    headers = {"Content-Type": "application/json"}
    if header is not None:
        headers[mux_events.SIGNATURE_HEADER] = header

    response = await media_client.post(
        "/webhooks/mux", content=mux_events.body_of(ready_event(upload)), headers=headers
    )

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    assert await nothing_stored(resources)


@pytest.mark.parametrize(
    "secrets",
    [
        (PREVIOUS_WEBHOOK_SECRET,),
        (WEBHOOK_SECRET,),
        ("whsec-mux-rolled-unknown-to-us", WEBHOOK_SECRET),
        (PREVIOUS_WEBHOOK_SECRET, "whsec-mux-rolled-unknown-to-us"),
    ],
    ids=["previous-secret", "current-secret", "several-v1-second-known", "several-v1-first-known"],
)
async def test_any_configured_secret_and_any_v1_value_is_accepted(
    resources: Resources, media_client: httpx.AsyncClient, secrets: tuple[str, ...]
) -> None:
    upload = await videos.video_upload(resources)

    response = await videos.deliver(media_client, ready_event(upload), *secrets)

    assert response.status_code == 202, response.text
    assert len(await videos.inbox(resources)) == 1


async def test_the_same_event_ten_times_is_stored_and_applied_once(
    resources: Resources, media_client: httpx.AsyncClient, worker: WorkerOptions
) -> None:
    upload = await videos.video_upload(resources)
    event = ready_event(upload)

    answers = [await videos.deliver(media_client, event) for _ in range(10)]
    await drain(worker)
    # Mux may send it again long after it was processed.
    late = await videos.deliver(media_client, event)
    await drain(worker)

    assert [answer.status_code for answer in answers] == [202] + [200] * 9
    assert all(answer.json()["duplicate"] for answer in answers[1:])
    assert late.status_code == 200
    [stored] = await videos.inbox(resources)
    assert stored.processed_at is not None
    assert len(await videos.jobs(resources, HandleMuxEvent.job_name)) == 1
    assert (await videos.asset_row(resources, upload.asset_id)).status is MediaStatus.READY


@pytest.mark.parametrize(
    "body",
    [
        b"not json at all",
        b"[1, 2, 3]",
        b'{"type": "video.asset.ready", "created_at": "2026-01-01T00:00:00Z"}',
        b'{"id": "e1", "type": "video.asset.ready"}',
        b'{"id": "e1", "type": "video.asset.ready", "created_at": "yesterday"}',
        b'{"id": "e1", "type": "t", "created_at": "2026-01-01T00:00:00Z", "data": "x"}',
        b'{"id": "e1", "type": "t", "created_at": "2026-01-01T00:00:00Z", "x": "\\u0000"}',
        b'{"id": "e1", "type": "t", "created_at": "2026-01-01T00:00:00Z", "x": "\\ud800"}',
        b'{"id": "e1", "type": "t", "created_at": "2026-01-01T00:00:00Z", "x": 1e999}',
        b'{"id": "e1", "type": "t", "created_at": "2026-01-01T00:00:00Z", "x": NaN}',
        b'{"id": "' + b"e" * 256 + b'", "type": "t", "created_at": "2026-01-01T00:00:00Z"}',
        b"[" * 100_000,
    ],
    ids=[
        "not-json",
        "not-an-object",
        "no-id",
        "no-created-at",
        "bad-created-at",
        "data-not-an-object",
        "nul-character",
        "lone-surrogate",
        "infinite-number",
        "nan",
        "id-too-long",
        "deeply-nested",
    ],
)
async def test_a_signed_body_that_is_not_a_storable_event_is_400(
    resources: Resources, media_client: httpx.AsyncClient, body: bytes
) -> None:
    headers = mux_events.signed_headers(body, WEBHOOK_SECRET)

    response = await media_client.post("/webhooks/mux", content=body, headers=headers)

    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == "invalid_webhook_event"
    assert await nothing_stored(resources)
