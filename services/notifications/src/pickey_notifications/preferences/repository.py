"""Queries on ``notification_preferences`` for many users at once."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Iterable

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

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
            NotificationPreference.user_id.in_(user_ids),
            NotificationPreference.category.in_(categories),
        )
    )
    return {(user, category, channel): enabled for user, category, channel, enabled in rows}


async def turn_off(
    session: AsyncSession, user_id: uuid.UUID, categories: Iterable[str], channel: Channel
) -> None:
    """Store "off" for each category on ``channel``, replacing earlier choices."""
    values = [
        {"user_id": user_id, "category": category, "channel": channel, "enabled": False}
        for category in categories
    ]
    if not values:
        return
    statement = insert(NotificationPreference).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "category", "channel"],
            set_={"enabled": False, "updated_at": func.now()},
        )
    )
