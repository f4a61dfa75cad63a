"""Queries on ``notification_preferences``."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
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


async def save(
    session: AsyncSession, user_id: uuid.UUID, choices: Iterable[tuple[str, Channel, bool]]
) -> None:
    """Store each choice, replacing an earlier one for the same category and channel."""
    values = [
        {"user_id": user_id, "category": category, "channel": channel, "enabled": enabled}
        for category, channel, enabled in choices
    ]
    if not values:
        return
    statement = insert(NotificationPreference).values(values)
    await session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id", "category", "channel"],
            set_={"enabled": statement.excluded.enabled, "updated_at": func.now()},
        )
    )
