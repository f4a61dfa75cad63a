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


async def test_a_key_is_claimed_once(resources: Resources) -> None:
    claims = []
    for _ in range(3):
        async with resources.unit_of_work() as session:
            claims.append(await idempotency.claim(session, "renewal:m1:2026-12"))

    assert claims == [True, False, False]
    assert [row.key for row in await all_rows(resources, IdempotencyKey)] == ["renewal:m1:2026-12"]


async def test_concurrent_claims_let_one_transaction_run_the_effect(resources: Resources) -> None:
    runs: list[int] = []

    async def attempt() -> bool:
        async with resources.unit_of_work() as session:
            if not await idempotency.claim(session, "welcome:u1"):
                return False
            runs.append(1)
            await asyncio.sleep(0.2)  # hold the key while the others arrive
            return True

    results = await asyncio.gather(*(attempt() for _ in range(5)))

    assert sorted(results) == [False, False, False, False, True]
    assert runs == [1]


async def test_a_rolled_back_claim_releases_the_key_for_a_retry(resources: Resources) -> None:
    async def attempt(effect_fails: bool) -> bool:
        async with resources.unit_of_work() as session:
            claimed = await idempotency.claim(session, "k")
            if effect_fails:
                raise RuntimeError("provider down")
            return claimed

    with pytest.raises(RuntimeError):
        await attempt(effect_fails=True)
    assert await all_rows(resources, IdempotencyKey) == []

    assert await attempt(effect_fails=False)
    assert not await attempt(effect_fails=False)


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
