"""FastAPI dependencies of the notifications app: its typed settings, read in one place."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pickey_notifications.settings import NotificationsSettings


def get_settings(request: Request) -> NotificationsSettings:
    settings: NotificationsSettings = request.app.state.settings
    return settings


NotificationsSettingsDep = Annotated[NotificationsSettings, Depends(get_settings)]
