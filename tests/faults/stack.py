"""What the fault tests share: the environment pointing at their own instances, clean tables,
the ledger's counts, waiting for a condition."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

import asyncpg
from sqlalchemy import func, select

from pickey_core.models import Channel, DeliveryState, NotificationDelivery, OutboxMessage
from pickey_core.resources import Resources
from tests.support.infra import TABLES
from tests.support.own_instances import OwnPostgres


async def truncate(postgres: OwnPostgres) -> None:
    connection = await asyncpg.connect(
        host="127.0.0.1", port=postgres.port, user="postgres", database="pickey"
    )
    try:
        await connection.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    finally:
        await connection.close()


async def until(check: Callable[[], Awaitable[bool]], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while not await check():
        assert time.monotonic() < deadline, "timed out waiting"
        await asyncio.sleep(0.1)


async def emails_by_state(resources: Resources) -> dict[DeliveryState, int]:
    async with resources.sessions() as session:
        rows = await session.execute(
            select(NotificationDelivery.state, func.count())
            .where(NotificationDelivery.channel == Channel.EMAIL)
            .group_by(NotificationDelivery.state)
        )
        return {state: count for state, count in rows.all()}


async def unfinished_outbox(resources: Resources) -> int:
    async with resources.sessions() as session:
        count = await session.scalar(
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.completed_at.is_(None), OutboxMessage.abandoned_at.is_(None))
        )
    return int(count or 0)
