"""Queries on the ``notifications`` table, always scoped to one recipient and to the rows the
in-app list shows (``in_app``; the others exist only for the email and realtime ledger)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Notification
from pickey_core.pagination import after_key


def page_query(
    recipient_id: uuid.UUID, before: tuple[datetime, uuid.UUID] | None, limit: int
) -> Select[Notification]:
    """Newest first from ``ix_notifications_recipient_feed (recipient_id, created_at DESC, id
    DESC) WHERE in_app``: O(page) rows however many notifications the user has."""
    query = (
        select(Notification)
        .where(Notification.recipient_id == recipient_id, Notification.in_app)
        .order_by(Notification.created_at.desc(), Notification.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(after_key((Notification.created_at, Notification.id), before))
    return query


async def page(
    session: AsyncSession,
    recipient_id: uuid.UUID,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[Notification]:
    return (await session.scalars(page_query(recipient_id, before, limit))).all()


async def unread_count(session: AsyncSession, recipient_id: uuid.UUID, up_to: int) -> int:
    """Unread notifications, counted up to ``up_to``: a badge never needs an exact large number,
    and the count stops reading rows there."""
    unread = (
        select(Notification.id)
        .where(
            Notification.recipient_id == recipient_id,
            Notification.read_at.is_(None),
            Notification.in_app,
        )
        .limit(up_to)
        .subquery()
    )
    return int(await session.scalar(select(func.count()).select_from(unread)) or 0)
