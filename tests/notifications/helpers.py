"""Shared helpers of the notifications tests: enqueue through the outbox, read the ledger."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from pickey_core.models import (
    Channel,
    DeliveryState,
    Notification,
    NotificationDelivery,
    NotificationPreference,
)
from pickey_core.queue import outbox
from pickey_core.queue.contracts import JobPayload
from pickey_core.resources import Resources


async def enqueue(resources: Resources, *payloads: JobPayload) -> None:
    """Each payload as its own outbox row (its own job), committed."""
    async with resources.unit_of_work() as session:
        for payload in payloads:
            outbox.enqueue(session, payload)


async def prefer(
    resources: Resources, user_id: uuid.UUID, category: str, channel: Channel, enabled: bool
) -> None:
    async with resources.unit_of_work() as session:
        session.add(
            NotificationPreference(
                user_id=user_id, category=category, channel=channel, enabled=enabled
            )
        )


@dataclass(frozen=True)
class Row:
    recipient_id: uuid.UUID
    event_key: str
    kind: str
    data: dict[str, Any]
    in_app: bool
    deliveries: dict[Channel, tuple[DeliveryState, int, str | None]]


async def ledger(resources: Resources) -> list[Row]:
    """Every notification with its deliveries (state, attempts, last error) by channel."""
    async with resources.sessions() as session:
        notifications = (await session.scalars(select(Notification))).all()
        deliveries = (await session.scalars(select(NotificationDelivery))).all()
    by_notification: dict[uuid.UUID, dict[Channel, tuple[DeliveryState, int, str | None]]] = {}
    for delivery in deliveries:
        by_notification.setdefault(delivery.notification_id, {})[delivery.channel] = (
            delivery.state,
            delivery.attempts,
            delivery.last_error,
        )
    return [
        Row(
            n.recipient_id,
            n.event_key,
            n.kind,
            n.data,
            n.in_app,
            by_notification.get(n.id, {}),
        )
        for n in notifications
    ]


def of(rows: list[Row], recipient_id: uuid.UUID) -> list[Row]:
    return [row for row in rows if row.recipient_id == recipient_id]


def one(rows: list[Row], recipient_id: uuid.UUID) -> Row:
    [row] = of(rows, recipient_id)
    return row


def states(row: Row) -> dict[Channel, DeliveryState]:
    return {channel: state for channel, (state, _, _) in row.deliveries.items()}


def copies_per_address(messages: list[dict[str, Any]]) -> Counter[str]:
    """How many copies each address received across all stored Mailgun messages."""
    counted: Counter[str] = Counter()
    for message in messages:
        for delivery in message["deliveries"]:
            counted[delivery["recipient"].lower()] += 1
    return counted


def events_per_channel(events: list[dict[str, Any]]) -> Counter[str]:
    return Counter(event["channel"] for event in events)
