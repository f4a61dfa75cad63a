"""``/api/v1/notifications``: the logged-in user's in-app notifications."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from pickey_api.notifications import service
from pickey_api.notifications.schemas import NotificationRead, UnreadCount
from pickey_core.errors import NotAuthenticated, NotPermitted, error_responses
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep
from pickey_core.pagination import DEFAULT_LIMIT, Cursor, InvalidCursor, Limit, Page

router = APIRouter(prefix="/notifications", tags=["notifications"])


@router.get(
    "",
    response_model=Page[NotificationRead],
    responses=error_responses(NotAuthenticated, InvalidCursor),
    summary="Your notifications, newest first",
)
async def list_notifications(
    session: SessionDep, user: CurrentUser, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> Page[NotificationRead]:
    return await service.list_notifications(session, user.id, cursor, limit)


@router.get(
    "/unread-count",
    response_model=UnreadCount,
    responses=error_responses(NotAuthenticated),
    summary="How many of your notifications are unread (for the badge)",
)
async def unread_count(session: SessionDep, user: CurrentUser) -> UnreadCount:
    return await service.unread_count(session, user.id)


@router.post(
    "/read-all",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(NotAuthenticated, NotPermitted),
    summary="Mark all your notifications read",
)
async def mark_all_read(session: SessionDep, user: CurrentUser) -> None:
    await service.mark_all_read(session, user.id)


@router.post(
    "/{notification_id}/read",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(NotAuthenticated, NotPermitted, service.NotificationNotFound),
    summary="Mark one of your notifications read (idempotent)",
)
async def mark_read(notification_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> None:
    await service.mark_read(session, user.id, notification_id)
