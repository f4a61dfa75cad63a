"""Queries on ``notification_preferences``."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Channel, NotificationPreference


async def chosen(session: AsyncSession, user_id: uuid.UUID) -> dict[tuple[str, Channel], bool]:
    """The user's stored choices by (category, channel), one row at most for each."""
    rows = await session.execute(
        select(
            NotificationPreference.category,
            NotificationPreference.channel,
            NotificationPreference.enabled,
        ).where(NotificationPreference.user_id == user_id)
    )
    return {(category, channel): enabled for category, channel, enabled in rows}
