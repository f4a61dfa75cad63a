"""Gap-free document numbers: one after another, a rollback gives its number back, concurrent
callers never get the same one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from pickey_core.document_numbers import (
    RECEIPT_SERIES,
    SELF_BILLING_SERIES,
    next_document_number,
)
from pickey_core.resources import Resources
from pickey_core.settings import PickeySettings
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


async def number(resources: Resources, series: str, year: int) -> str:
    async with resources.unit_of_work() as session:
        return await next_document_number(session, series, year)


class Abandoned(Exception):
    pass


async def test_numbers_follow_each_other_per_series_and_year(resources: Resources) -> None:
    assert await number(resources, RECEIPT_SERIES, 2026) == "R2026-000001"
    assert await number(resources, RECEIPT_SERIES, 2026) == "R2026-000002"
    assert await number(resources, SELF_BILLING_SERIES, 2026) == "SB2026-000001"
    assert await number(resources, RECEIPT_SERIES, 2027) == "R2027-000001"
    assert await number(resources, RECEIPT_SERIES, 2026) == "R2026-000003"


async def test_a_rolled_back_number_is_given_again(resources: Resources) -> None:
    assert await number(resources, RECEIPT_SERIES, 2026) == "R2026-000001"
    taken: list[str] = []

    async def take_and_abandon() -> None:
        async with resources.unit_of_work() as session:
            taken.append(await next_document_number(session, RECEIPT_SERIES, 2026))
            raise Abandoned

    with pytest.raises(Abandoned):
        await take_and_abandon()
    assert taken == ["R2026-000002"]
    assert await number(resources, RECEIPT_SERIES, 2026) == "R2026-000002"


async def test_concurrent_callers_get_distinct_consecutive_numbers(resources: Resources) -> None:
    numbers = await asyncio.gather(
        *(number(resources, SELF_BILLING_SERIES, 2026) for _ in range(12))
    )
    assert sorted(numbers) == [f"SB2026-{n:06d}" for n in range(1, 13)]


async def test_a_bad_series_is_refused(resources: Resources) -> None:
    async with resources.unit_of_work() as session:
        for series in ("r", "R1", "", "TOOLONGSERIES"):
            with pytest.raises(ValueError, match="capital letters"):
                await next_document_number(session, series, 2026)
