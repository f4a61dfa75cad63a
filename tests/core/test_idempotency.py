"""Effects keyed by a unique constraint run once, however often and however concurrently asked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from pickey_core import idempotency, inbox
from pickey_core.models import IdempotencyKey, InboxEvent
from pickey_core.resources import Resources
from pickey_core.settings import PickeySettings
from tests.support.db import all_rows
from tests.support.settings import TestEnvironment


@pytest.fixture
async def resources(test_env: TestEnvironment, clean_state: None) -> AsyncIterator[Resources]:
    settings = PickeySettings(
        _env_file=None,
        environment="test",
        database_url=test_env.database_url,
        redis_url=test_env.redis_url,
    )
    opened = await Resources.open(settings)
    yield opened
    await opened.close()


async def test_the_effect_runs_once_and_replays_return_its_result(resources: Resources) -> None:
    runs: list[int] = []

    async def charge() -> dict[str, object]:
        runs.append(1)
        return {"charged": 9900}

    outcomes = []
    for _ in range(3):
        async with resources.unit_of_work() as session:
            outcomes.append(await idempotency.run_once(session, "renewal:m1:2026-12", charge))

    assert runs == [1]
    assert [o.first for o in outcomes] == [True, False, False]
    assert {o.result["charged"] for o in outcomes if o.result} == {9900}


async def test_concurrent_attempts_run_the_effect_once(resources: Resources) -> None:
    runs: list[int] = []

    async def effect() -> None:
        runs.append(1)
        await asyncio.sleep(0.2)  # hold the key while the others arrive

    async def attempt() -> bool:
        async with resources.unit_of_work() as session:
            return (await idempotency.run_once(session, "welcome:u1", effect)).first

    results = await asyncio.gather(*(attempt() for _ in range(5)))

    assert sorted(results) == [False, False, False, False, True]
    assert runs == [1]


async def test_a_failed_effect_releases_the_key_for_a_retry(resources: Resources) -> None:
    async def failing() -> None:
        raise RuntimeError("provider down")

    async def succeeding() -> dict[str, object]:
        return {"ok": True}

    async def attempt_failing() -> None:
        async with resources.unit_of_work() as session:
            await idempotency.run_once(session, "k", failing)

    with pytest.raises(RuntimeError):
        await attempt_failing()
    assert await all_rows(resources, IdempotencyKey) == []

    async with resources.unit_of_work() as session:
        outcome = await idempotency.run_once(session, "k", succeeding)
    assert outcome.first
    assert outcome.result == {"ok": True}


async def test_inbox_stores_a_provider_event_once(resources: Resources) -> None:
    event = {"provider": "mux", "external_id": "evt_1", "event_type": "video.asset.ready"}
    async with resources.unit_of_work() as session:
        first = await inbox.store(session, **event, payload={"n": 1})
    async with resources.unit_of_work() as session:
        duplicate = await inbox.store(session, **event, payload={"n": 2})
        other_provider = await inbox.store(session, **{**event, "provider": "mailgun"}, payload={})

    assert first is not None
    assert duplicate is None
    assert other_provider is not None
    stored = await all_rows(resources, InboxEvent, InboxEvent.provider == "mux")
    assert [row.payload for row in stored] == [{"n": 1}]

    async with resources.unit_of_work() as session:
        await inbox.mark_processed(session, first)
    [processed] = await all_rows(resources, InboxEvent, InboxEvent.id == first)
    assert processed.processed_at is not None
