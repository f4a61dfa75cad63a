"""Settings of the media service (``PICKEY_...``)."""

from __future__ import annotations

from pickey_core.settings import PickeySettings
from pydantic import Field


class MediaSettings(PickeySettings):
    service_name: str = "media"
    port: int = Field(default=8002, ge=1, le=65535)
