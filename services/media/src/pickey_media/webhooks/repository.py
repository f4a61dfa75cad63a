"""Queries on the webhook inbox."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import InboxEvent


async def lock_unprocessed(session: AsyncSession, event_id: uuid.UUID) -> InboxEvent | None:
    """The stored event, locked, unless it was processed already (a re-run of its job)."""
    event = await session.scalar(
        select(InboxEvent)
        .where(InboxEvent.id == event_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if event is None or event.processed_at is not None:
        return None
    return event
