"""Queries on ``notification_preferences`` for many users at once."""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.any_of import any_of
from pickey_core.models import Channel, NotificationPreference

Choices = dict[tuple[uuid.UUID, str, Channel], bool]


async def chosen(
    session: AsyncSession, user_ids: Collection[uuid.UUID], categories: Collection[str]
) -> Choices:
    """Stored choices by (user, category, channel); a missing key means the default."""
    if not user_ids or not categories:
        return {}
    rows = await session.execute(
        select(
            NotificationPreference.user_id,
            NotificationPreference.category,
            NotificationPreference.channel,
            NotificationPreference.enabled,
        ).where(
            any_of(NotificationPreference.user_id, user_ids),
            NotificationPreference.category.in_(categories),
        )
    )
    return {(user, category, channel): enabled for user, category, channel, enabled in rows}
