"""Response bodies of the in-app notifications endpoints."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

from pickey_core.models import Notification


class NotificationRead(BaseModel):
    id: uuid.UUID
    kind: str = Field(description="What happened, e.g. `new_post`; the web app picks the text.")
    data: dict[str, Any] = Field(description="The facts the text needs, per kind.")
    read_at: datetime | None
    created_at: datetime

    @classmethod
    def from_notification(cls, notification: Notification) -> NotificationRead:
        return cls(
            id=notification.id,
            kind=notification.kind,
            data=notification.data,
            read_at=notification.read_at,
            created_at=notification.created_at,
        )


class UnreadCount(BaseModel):
    count: int = Field(ge=0, description="Unread notifications, counted up to a cap.")
    capped: bool = Field(description="True when there are more unread than `count` (show 99+).")
