"""The Mux webhook envelope and the objects its ``data`` carries.

Envelope: ``{type, id, created_at, object: {type, id}, environment, data}``. ``data`` is the
upload, asset or live stream as the Mux API would show it at the time of the event. Only what we
use is read (Mux adds fields over time); identifiers longer than our columns are refused as
unreadable rather than failing the database write.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from pickey_core.text import Storable

MuxId = Annotated[str, StringConstraints(min_length=1, max_length=255), Storable]


class _MuxObject(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")


class MuxEvent(_MuxObject):
    """What we need of every event to store it: its id (the inbox key), type and time."""

    id: MuxId
    type: Annotated[str, StringConstraints(min_length=1, max_length=128), Storable]
    created_at: datetime
    data: dict[str, Any] = Field(default_factory=dict)

    @field_validator("created_at")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        """Mux writes UTC with a ``Z``; a time without a zone is read as UTC too."""
        return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class PlaybackIdData(_MuxObject):
    id: MuxId
    policy: str


class UploadData(_MuxObject):
    """A direct upload (``video.upload.*``)."""

    id: MuxId
    status: str
    asset_id: MuxId | None = None
    new_asset_settings: dict[str, Any] = Field(default_factory=dict)
    error: dict[str, Any] | None = None

    @property
    def passthrough(self) -> str | None:
        value = self.new_asset_settings.get("passthrough")
        return value if isinstance(value, str) else None


class AssetData(_MuxObject):
    """An asset (``video.asset.*``): an uploaded video or the recording of a broadcast."""

    id: MuxId
    status: str
    playback_ids: list[PlaybackIdData] = Field(default_factory=list)
    duration: float | None = None
    aspect_ratio: str | None = None
    passthrough: str | None = None
    upload_id: MuxId | None = None
    live_stream_id: MuxId | None = None
    errors: dict[str, Any] | None = None
    # Unix seconds as a string, as Mux writes it.
    created_at: str | int | None = None

    @field_validator("aspect_ratio")
    @classmethod
    def _plausible_ratio(cls, value: str | None) -> str | None:
        """``16:9``; anything else (or longer than our column) is dropped, not stored."""
        if value is None or len(value) > 16 or value.count(":") != 1:
            return None
        return value

    def started_at(self) -> datetime | None:
        try:
            return datetime.fromtimestamp(int(self.created_at), UTC) if self.created_at else None
        except (ValueError, OverflowError, OSError):
            return None

    def error_text(self) -> str | None:
        messages = (self.errors or {}).get("messages")
        if isinstance(messages, list) and messages:
            return "; ".join(str(message) for message in messages)[:500]
        return None


class LiveStreamData(_MuxObject):
    """A live stream (``video.live_stream.*``)."""

    id: MuxId
    status: str
    active_asset_id: MuxId | None = None
    passthrough: str | None = None
