"""MuxClient against the sandbox process over real HTTP: what it sends, what it parses, which
failures it retries (reads always, creates only when Mux certainly did not act) and how each
failure reaches the caller."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator

import pytest

from pickey_core.providers import ProviderRateLimited, ProviderRejected, ProviderUnavailable
from pickey_core.providers.mux import MuxClient, MuxUpload, PlaybackPolicy
from tests.support.mux import MuxSandbox, client_config, emptied
from tests.support.processes import free_port

pytestmark = pytest.mark.e2e

UPLOADS = "/video/v1/uploads"


@pytest.fixture
def mux(sandbox_url: str) -> Iterator[MuxSandbox]:
    with emptied(sandbox_url) as sandbox:
        yield sandbox


async def new_upload(
    client: MuxClient, policy: PlaybackPolicy = PlaybackPolicy.SIGNED
) -> MuxUpload:
    return await client.create_upload(passthrough="asset-1", playback_policy=policy)


# --- what is sent and parsed ----------------------------------------------------------------


async def test_create_upload_sends_passthrough_policy_and_cors_origin(mux: MuxSandbox) -> None:
    async with MuxClient(mux.config(cors_origin="https://app.pickey.cz")) as client:
        upload = await client.create_upload(
            passthrough="0b6f3c1e-asset", playback_policy=PlaybackPolicy.SIGNED
        )

    assert upload.status == "waiting"
    assert upload.url.startswith(mux.base_url)
    stored = mux.upload(upload.id)
    assert stored["new_asset_settings"] == {
        "playback_policies": ["signed"],
        "passthrough": "0b6f3c1e-asset",
    }
    assert stored["cors_origin"] == "https://app.pickey.cz"
    assert mux.calls() == [("POST", UPLOADS, 201)]


async def test_an_upload_becomes_an_asset_the_client_reads(mux: MuxSandbox) -> None:
    async with MuxClient(mux.config()) as client:
        upload = await new_upload(client, PlaybackPolicy.PUBLIC)
        mux.put_file(upload.url)
        after = await client.get_upload(upload.id)
        assert after.status == "asset_created"
        assert after.asset_id is not None
        mux.mark_ready(after.asset_id, duration=61.2, aspect_ratio="16:9")
        asset = await client.get_asset(after.asset_id)

    assert asset.status == "ready"
    assert asset.passthrough == "asset-1"
    assert asset.upload_id == upload.id
    assert (asset.duration, asset.aspect_ratio) == (61.2, "16:9")
    assert [p.policy for p in asset.playback_ids] == ["public"]


async def test_cancel_upload(mux: MuxSandbox) -> None:
    async with MuxClient(mux.config()) as client:
        upload = await new_upload(client)
        cancelled = await client.cancel_upload(upload.id)

    assert cancelled.status == "cancelled"
    assert mux.upload(upload.id)["status"] == "cancelled"


async def test_live_stream_create_get_disable(mux: MuxSandbox) -> None:
    async with MuxClient(mux.config()) as client:
        created = await client.create_live_stream(
            passthrough="post-7", playback_policy=PlaybackPolicy.SIGNED
        )
        fetched = await client.get_live_stream(created.id)
        await client.disable_live_stream(created.id)
        disabled = await client.get_live_stream(created.id)

    assert created.status == "idle"
    assert [p.policy for p in created.playback_ids] == ["signed"]
    assert fetched.stream_key.get_secret_value() == created.stream_key.get_secret_value()
    assert created.stream_key.get_secret_value() not in repr(created)
    assert disabled.status == "disabled"
    [stored] = mux.live_streams()
    assert stored["passthrough"] == "post-7"
    assert stored["new_asset_settings"] == {
        "playback_policies": ["signed"],
        "passthrough": "post-7",
    }


async def test_a_passthrough_longer_than_mux_allows_never_leaves(mux: MuxSandbox) -> None:
    async with MuxClient(mux.config()) as client:
        with pytest.raises(ValueError, match="passthrough"):
            await client.create_upload(passthrough="x" * 256, playback_policy=PlaybackPolicy.PUBLIC)

    assert mux.calls() == []


# --- error mapping --------------------------------------------------------------------------


async def test_wrong_credentials_are_rejected_not_retried(mux: MuxSandbox) -> None:
    async with MuxClient(mux.config(token_secret="not-the-secret")) as client:
        with pytest.raises(ProviderRejected) as raised:
            await client.get_asset("whatever")

    assert raised.value.status_code == 401
    assert "unauthorized" in raised.value.message
    assert "not-the-secret" not in str(raised.value)
    assert len(mux.calls()) == 1


async def test_an_unknown_id_is_rejected(mux: MuxSandbox) -> None:
    async with MuxClient(mux.config()) as client:
        with pytest.raises(ProviderRejected) as raised:
            await client.get_upload("no-such-upload")

    assert raised.value.status_code == 404
    assert raised.value.message.startswith("not_found: ")


async def test_a_refused_request_is_not_retried(mux: MuxSandbox) -> None:
    mux.fail_next(3, 400)

    async with MuxClient(mux.config()) as client:
        with pytest.raises(ProviderRejected) as raised:
            await client.get_asset("x")

    assert raised.value.status_code == 400
    assert len(mux.calls()) == 1


# --- retries --------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503])
async def test_reads_are_retried_after_server_errors(mux: MuxSandbox, status: int) -> None:
    async with MuxClient(mux.config()) as client:
        upload = await new_upload(client)
        mux.fail_next(2, status)
        fetched = await client.get_upload(upload.id)

    assert fetched.id == upload.id
    assert [call[2] for call in mux.calls()] == [201, status, status, 200]


async def test_reads_give_up_after_max_attempts(mux: MuxSandbox) -> None:
    mux.fail_next(10, 503)

    async with MuxClient(mux.config(max_attempts=4)) as client:
        with pytest.raises(ProviderUnavailable) as raised:
            await client.get_asset("x")

    assert raised.value.status_code == 503
    assert len(mux.calls()) == 4


async def test_idempotent_changes_are_retried(mux: MuxSandbox) -> None:
    async with MuxClient(mux.config()) as client:
        stream = await client.create_live_stream(
            passthrough="p", playback_policy=PlaybackPolicy.PUBLIC
        )
        mux.fail_next(1, 500)
        await client.disable_live_stream(stream.id)

    assert mux.live_streams()[0]["status"] == "disabled"
    assert [call[2] for call in mux.calls()] == [201, 500, 200]


async def test_a_create_is_not_repeated_after_a_server_error(mux: MuxSandbox) -> None:
    """Mux may have made the upload before failing: a second try could make two."""
    mux.fail_next(1, 500)

    async with MuxClient(mux.config()) as client:
        with pytest.raises(ProviderUnavailable) as raised:
            await new_upload(client)

    assert raised.value.status_code == 500
    assert mux.calls() == [("POST", UPLOADS, 500)]


async def test_a_create_is_repeated_after_a_rate_limit(mux: MuxSandbox) -> None:
    """A 429 means Mux refused before acting: repeating cannot duplicate."""
    mux.fail_next(2, 429)

    async with MuxClient(mux.config()) as client:
        upload = await new_upload(client)

    assert mux.calls() == [("POST", UPLOADS, 429), ("POST", UPLOADS, 429), ("POST", UPLOADS, 201)]
    assert [u["id"] for u in mux.uploads()] == [upload.id]


async def test_retry_after_is_waited_for(mux: MuxSandbox) -> None:
    mux.fail_next(1, 429, retry_after_seconds=1)

    async with MuxClient(mux.config(backoff_max_seconds=2)) as client:
        started = time.monotonic()
        with pytest.raises(ProviderRejected):  # the retry reaches Mux: unknown asset
            await client.get_asset("x")
        elapsed = time.monotonic() - started

    assert elapsed >= 1
    assert [call[2] for call in mux.calls()] == [429, 404]


async def test_a_retry_after_longer_than_we_wait_goes_to_the_caller(mux: MuxSandbox) -> None:
    mux.fail_next(1, 429, retry_after_seconds=30)

    async with MuxClient(mux.config(backoff_max_seconds=2)) as client:
        with pytest.raises(ProviderRateLimited) as raised:
            await client.get_asset("x")

    assert raised.value.retry_after == 30
    assert len(mux.calls()) == 1


async def test_rate_limits_that_last_give_up_as_rate_limited(mux: MuxSandbox) -> None:
    mux.fail_next(5, 429)

    async with MuxClient(mux.config(max_attempts=2)) as client:
        with pytest.raises(ProviderRateLimited):
            await new_upload(client)

    assert len(mux.calls()) == 2
    assert mux.uploads() == []


async def test_nothing_listening_is_retried_even_for_a_create() -> None:
    """A refused connection sent nothing, so even a create may be repeated."""
    config = client_config(f"http://127.0.0.1:{free_port()}", max_attempts=3)

    async with MuxClient(config) as client:
        started = time.monotonic()
        with pytest.raises(ProviderUnavailable) as raised:
            await new_upload(client)

    assert "cannot reach" in raised.value.message
    assert raised.value.status_code is None
    assert time.monotonic() - started < 5


async def test_a_create_that_times_out_is_not_repeated_and_may_have_happened(
    mux: MuxSandbox,
) -> None:
    """The outcome of a timed-out create is unknown: the client says so and does not repeat,
    and indeed Mux (the sandbox) went on to make the upload."""
    mux.delay(1.0)

    async with MuxClient(mux.config(timeout_seconds=0.3)) as client:
        with pytest.raises(ProviderUnavailable) as raised:
            await new_upload(client)

    assert "no answer within 0.3s" in raised.value.message
    await asyncio.sleep(1.2)
    assert len(mux.uploads()) == 1
    assert len(mux.calls()) == 1


async def test_a_read_that_times_out_is_repeated(mux: MuxSandbox) -> None:
    mux.delay(0.6)

    async with MuxClient(mux.config(timeout_seconds=0.2, max_attempts=2)) as client:
        with pytest.raises(ProviderUnavailable):
            await client.get_asset("x")
    await asyncio.sleep(0.8)

    assert len(mux.calls()) == 2
