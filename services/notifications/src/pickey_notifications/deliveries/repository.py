"""Queries on notifications and their deliveries. Each keeps the ledger's invariants in SQL."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Channel, DeliveryState, Notification, NotificationDelivery


async def upsert_notification(
    session: AsyncSession,
    *,
    event_key: str,
    recipient_id: uuid.UUID,
    kind: str,
    data: dict[str, Any],
) -> uuid.UUID:
    """The notification for (event, recipient): created once, found every later time."""
    inserted: uuid.UUID | None = await session.scalar(
        insert(Notification)
        .values(
            id=uuid.uuid4(), event_key=event_key, recipient_id=recipient_id, kind=kind, data=data
        )
        .on_conflict_do_nothing(index_elements=["event_key", "recipient_id"])
        .returning(Notification.id)
    )
    if inserted is not None:
        return inserted
    existing = await session.scalar(
        select(Notification.id).where(
            Notification.event_key == event_key, Notification.recipient_id == recipient_id
        )
    )
    assert existing is not None
    return existing


async def upsert_delivery(
    session: AsyncSession, notification_id: uuid.UUID, channel: Channel
) -> NotificationDelivery:
    """The ledger row for (notification, channel), written before any provider call."""
    await session.execute(
        insert(NotificationDelivery)
        .values(
            id=uuid.uuid4(),
            notification_id=notification_id,
            channel=channel,
            state=DeliveryState.PENDING,
        )
        .on_conflict_do_nothing(index_elements=["notification_id", "channel"])
    )
    delivery = await session.scalar(
        select(NotificationDelivery).where(
            NotificationDelivery.notification_id == notification_id,
            NotificationDelivery.channel == channel,
        )
    )
    assert delivery is not None
    return delivery


async def claim(session: AsyncSession, delivery_id: uuid.UUID) -> bool:
    """Move a delivery to ``sending`` if it still needs sending; False if it is settled.

    A delivery found in ``sending`` was claimed by a run that died before recording the outcome;
    the provider may or may not have accepted it. It is sent again: at most one duplicate per
    such crash, and only for the delivery in flight at the moment of the crash.
    """
    claimed = await session.scalar(
        update(NotificationDelivery)
        .where(
            NotificationDelivery.id == delivery_id,
            NotificationDelivery.state.in_([DeliveryState.PENDING, DeliveryState.SENDING]),
        )
        .values(state=DeliveryState.SENDING, attempts=NotificationDelivery.attempts + 1)
        .returning(NotificationDelivery.id)
    )
    return claimed is not None


async def settle(
    session: AsyncSession,
    delivery_id: uuid.UUID,
    state: DeliveryState,
    *,
    provider_message_id: str | None = None,
    error: str | None = None,
) -> None:
    values: dict[str, Any] = {"state": state, "last_error": error}
    if state is DeliveryState.SENT:
        values.update(provider_message_id=provider_message_id, sent_at=datetime.now(UTC))
    await session.execute(
        update(NotificationDelivery).where(NotificationDelivery.id == delivery_id).values(**values)
    )
