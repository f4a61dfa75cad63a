"""Settings of the media service (``PICKEY_...``)."""

from __future__ import annotations

from pydantic import Field

from pickey_core.settings import PickeySettings


class MediaSettings(PickeySettings):
    service_name: str = "media"
    port: int = Field(default=8002, ge=1, le=65535)
