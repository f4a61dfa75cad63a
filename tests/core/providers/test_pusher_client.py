"""Pickey's Pusher client against the sandbox, which verifies every request like Pusher: signed
calls are accepted, each failure maps to what the caller should do, limits are checked before
any call."""

from __future__ import annotations

import json

import pytest

from pickey_core.providers.errors import ProviderRateLimited, ProviderRejected, ProviderUnavailable
from pickey_core.providers.pusher import PusherConfig
from pickey_core.providers.pusher_client import PusherClient, PusherEvent, event_data
from tests.support.processes import free_port
from tests.support.sandbox import PusherSandbox
from tests.support.settings import TestEnvironment


@pytest.fixture
def config(test_env: TestEnvironment) -> PusherConfig:
    return test_env.pusher()


async def test_a_trigger_and_a_batch_are_accepted_as_signed(
    config: PusherConfig, pusher_sandbox: PusherSandbox
) -> None:
    data = event_data({"kind": "new_post", "title": "Večeře"})
    async with PusherClient(config) as client:
        await client.trigger(["private-user-a", "private-user-b"], "notification", data)
        await client.trigger_batch(
            [
                PusherEvent(channel=f"private-user-{n}", name="notification", data=str(n))
                for n in range(10)
            ]
        )

    events = pusher_sandbox.events()
    assert [e["channel"] for e in events[:2]] == ["private-user-a", "private-user-b"]
    assert json.loads(events[0]["data"]) == {"kind": "new_post", "title": "Večeře"}
    assert pusher_sandbox.stats() == {"calls": 2, "events": 12, "refused": 0}


async def test_a_wrong_secret_is_a_permanent_refusal(
    config: PusherConfig, pusher_sandbox: PusherSandbox
) -> None:
    wrong = config.model_copy(update={"secret": "not-the-secret"})
    async with PusherClient(wrong) as client:
        with pytest.raises(ProviderRejected) as refused:
            await client.trigger(["private-user-a"], "notification", "{}")

    assert refused.value.status_code == 401
    assert pusher_sandbox.events() == []


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, ProviderRateLimited),
        (403, ProviderRateLimited),
        (500, ProviderUnavailable),
        (503, ProviderUnavailable),
    ],
)
async def test_provider_failures_say_what_to_do(
    config: PusherConfig, pusher_sandbox: PusherSandbox, status: int, error: type[Exception]
) -> None:
    pusher_sandbox.fail_next(1, status, retry_after_seconds=7)
    async with PusherClient(config) as client:
        with pytest.raises(error) as raised:
            await client.trigger(["private-user-a"], "notification", "{}")

    if status == 429:
        assert isinstance(raised.value, ProviderRateLimited)
        assert raised.value.retry_after == 7


async def test_no_connection_is_unavailable(config: PusherConfig) -> None:
    nowhere = config.model_copy(update={"base_url": f"http://127.0.0.1:{free_port()}"})
    async with PusherClient(nowhere) as client:
        with pytest.raises(ProviderUnavailable):
            await client.trigger(["private-user-a"], "notification", "{}")


@pytest.mark.parametrize(
    ("channels", "data"),
    [
        ([f"c{n}" for n in range(101)], "{}"),
        ([], "{}"),
        (["bad channel"], "{}"),
        (["c"], "x" * (10 * 1024 + 1)),
    ],
)
async def test_limits_are_checked_before_any_call(
    config: PusherConfig, pusher_sandbox: PusherSandbox, channels: list[str], data: str
) -> None:
    async with PusherClient(config) as client:
        with pytest.raises(ValueError, match=r"channels per event|channel name|event data over"):
            await client.trigger(channels, "notification", data)
        with pytest.raises(ValueError, match="events per batch"):
            await client.trigger_batch(
                [PusherEvent(channel="c", name="e", data="{}") for _ in range(11)]
            )

    assert pusher_sandbox.stats()["calls"] + pusher_sandbox.stats()["refused"] == 0
