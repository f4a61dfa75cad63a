"""The webhook inbox: store a provider's event once, by its own id, before acting on it.

A webhook endpoint verifies the signature, calls :func:`store` in its transaction and answers
2xx; a job processes the event and calls :func:`mark_processed`. Providers deliver twice and out
of order: a duplicate finds its id taken and is answered 2xx without a second job.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import InboxEvent


async def store(
    session: AsyncSession,
    *,
    provider: str,
    external_id: str,
    event_type: str,
    payload: dict[str, Any],
) -> uuid.UUID | None:
    """The new event's id, or None when this provider's event id was stored before."""
    stored: uuid.UUID | None = await session.scalar(
        insert(InboxEvent)
        .values(
            id=uuid.uuid4(),
            provider=provider,
            external_id=external_id,
            event_type=event_type,
            payload=payload,
        )
        .on_conflict_do_nothing(index_elements=["provider", "external_id"])
        .returning(InboxEvent.id)
    )
    return stored


async def mark_processed(session: AsyncSession, event_id: uuid.UUID) -> None:
    await session.execute(
        update(InboxEvent)
        .where(InboxEvent.id == event_id, InboxEvent.processed_at.is_(None))
        .values(processed_at=datetime.now(UTC))
    )


async def record_failure(session: AsyncSession, event_id: uuid.UUID, error: str) -> None:
    await session.execute(
        update(InboxEvent)
        .where(InboxEvent.id == event_id)
        .values(attempts=InboxEvent.attempts + 1, last_error=error)
    )
