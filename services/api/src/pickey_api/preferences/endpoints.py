"""``/api/v1/notification-preferences``: the logged-in user's notification preferences."""

from __future__ import annotations

from fastapi import APIRouter

from pickey_api.preferences import service
from pickey_api.preferences.schemas import PreferencesRead, PreferencesUpdate
from pickey_core.errors import (
    NotAuthenticated,
    NotPermitted,
    UnsupportedMediaType,
    error_responses,
)
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep
from pickey_core.notification_preferences import PreferenceLocked

router = APIRouter(prefix="/notification-preferences", tags=["notifications"])


@router.get(
    "",
    response_model=PreferencesRead,
    responses=error_responses(NotAuthenticated),
    summary="Your notification preferences, every category and channel",
)
async def read_preferences(session: SessionDep, user: CurrentUser) -> PreferencesRead:
    return await service.read(session, user.id)


@router.patch(
    "",
    response_model=PreferencesRead,
    responses=error_responses(
        NotAuthenticated, NotPermitted, PreferenceLocked, UnsupportedMediaType
    ),
    summary="Change some of your notification preferences",
)
async def change_preferences(
    data: PreferencesUpdate, session: SessionDep, user: CurrentUser
) -> PreferencesRead:
    return await service.change(session, user.id, data)
