"""FastAPI dependencies of the media app: its typed settings, read in one place."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from pickey_media.settings import MediaSettings


def get_settings(request: Request) -> MediaSettings:
    settings: MediaSettings = request.app.state.settings
    return settings


MediaSettingsDep = Annotated[MediaSettings, Depends(get_settings)]
