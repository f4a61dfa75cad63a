"""Preference rules. Flushes, never commits: the request boundary commits.

Changes are stored by :func:`pickey_core.notification_preferences.save`, the one write shared
with the notifications service, which also holds the rule for locked channels (422
``preference_locked``, nothing of the request stored).
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.preferences import repository
from pickey_api.preferences.schemas import (
    CategoryPreferences,
    ChannelPreference,
    PreferencesRead,
    PreferencesUpdate,
)
from pickey_core import notification_preferences
from pickey_core.models import Channel
from pickey_core.notification_categories import CATALOGUE, is_enabled
from pickey_core.notification_preferences import Choice


async def read(session: AsyncSession, user_id: uuid.UUID) -> PreferencesRead:
    chosen = await repository.chosen(session, user_id)
    return PreferencesRead(
        categories=[
            CategoryPreferences(
                category=info.category,
                description=info.description,
                channels=[
                    ChannelPreference(
                        channel=channel,
                        enabled=is_enabled(
                            info.category, channel, chosen.get((info.category.value, channel))
                        ),
                        default=info.defaults[channel],
                        configurable=info.is_configurable(channel),
                    )
                    for channel in Channel
                ],
            )
            for info in CATALOGUE.values()
        ]
    )


async def change(
    session: AsyncSession, user_id: uuid.UUID, data: PreferencesUpdate
) -> PreferencesRead:
    choices = [Choice(item.category, item.channel, item.enabled) for item in data.changes]
    await notification_preferences.save(session, user_id, choices)
    return await read(session, user_id)
