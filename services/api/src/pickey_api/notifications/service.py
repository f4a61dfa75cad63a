"""In-app notification rules for the api. Flushes, never commits: the request boundary commits.

Every query is scoped to the logged-in recipient, so another user's notification is simply not
found (404 ``notification_not_found``), never "forbidden": its existence is not revealed.

Assumptions: the list shows every ``notifications`` row of the user marked ``in_app``, whatever
its kind (the notifications service decides what becomes an in-app row: rows kept only for the
email and realtime ledger are not listed, counted or markable); marking read is idempotent and
keeps the first read time; "mark all read" marks what is unread when it runs.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.notifications import repository
from pickey_api.notifications.schemas import NotificationRead, UnreadCount
from pickey_core import notification_reads
from pickey_core.errors import NotFound
from pickey_core.pagination import Page, decode_cursor, page_of

# The badge shows "99+" past this; counting stops there.
UNREAD_COUNT_CAP = 99


class NotificationNotFound(NotFound):
    code = "notification_not_found"


async def list_notifications(
    session: AsyncSession, recipient_id: uuid.UUID, cursor: str | None, limit: int
) -> Page[NotificationRead]:
    before: tuple[datetime, uuid.UUID] | None = None
    if cursor is not None:
        created_at, notification_id = decode_cursor(cursor, datetime, uuid.UUID)
        before = (created_at, notification_id)
    rows = await repository.page(session, recipient_id, before, limit + 1)
    items = [NotificationRead.from_notification(row) for row in rows]
    return page_of(items, limit, lambda item: (item.created_at, item.id))


async def unread_count(session: AsyncSession, recipient_id: uuid.UUID) -> UnreadCount:
    counted = await repository.unread_count(session, recipient_id, UNREAD_COUNT_CAP + 1)
    return UnreadCount(count=min(counted, UNREAD_COUNT_CAP), capped=counted > UNREAD_COUNT_CAP)


async def mark_read(
    session: AsyncSession, recipient_id: uuid.UUID, notification_id: uuid.UUID
) -> None:
    if not await notification_reads.mark_read(session, recipient_id, notification_id):
        raise NotificationNotFound("No such notification.")


async def mark_all_read(session: AsyncSession, recipient_id: uuid.UUID) -> None:
    await notification_reads.mark_all_read(session, recipient_id)
