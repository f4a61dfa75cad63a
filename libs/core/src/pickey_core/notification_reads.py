"""The api's one write to the notifications service's table: marking in-app notifications read.

``notifications`` rows are created by the notifications service; their ``read_at`` is the
reader's, set by the api when the user opens the list. Only in-app rows can be read, and the
first read time is kept. Flushes, never commits.
"""

from __future__ import annotations

import uuid

from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Notification


async def mark_read(
    session: AsyncSession, recipient_id: uuid.UUID, notification_id: uuid.UUID
) -> bool:
    """Mark one notification read; False if the recipient has no such in-app notification."""
    marked = await session.scalar(
        update(Notification)
        .where(
            Notification.id == notification_id,
            Notification.recipient_id == recipient_id,
            Notification.read_at.is_(None),
            Notification.in_app,
        )
        .values(read_at=func.now())
        .returning(Notification.id)
    )
    if marked is not None:
        return True
    found = await session.scalar(
        select(
            exists().where(
                Notification.id == notification_id,
                Notification.recipient_id == recipient_id,
                Notification.in_app,
            )
        )
    )
    return bool(found)


async def mark_all_read(session: AsyncSession, recipient_id: uuid.UUID) -> None:
    await session.execute(
        update(Notification)
        .where(
            Notification.recipient_id == recipient_id,
            Notification.read_at.is_(None),
            Notification.in_app,
        )
        .values(read_at=func.now())
    )
