"""Preference rules. Flushes, never commits: the request boundary commits.

A stored row is an explicit choice and is kept even when it equals today's default, so a later
change of a default does not overturn what the user chose. A channel the catalogue locks (money
emails) cannot be turned away from its fixed value: sending the fixed value is a harmless no-op
(a web app may send the whole form back), anything else is 422 ``preference_locked`` and
nothing of the request is stored.
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
from pickey_core.errors import InvalidInput
from pickey_core.models import Channel
from pickey_core.notification_categories import CATALOGUE, is_enabled


class PreferenceLocked(InvalidInput):
    code = "preference_locked"


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
    choices = []
    for item in data.changes:
        info = CATALOGUE[item.category]
        if info.is_configurable(item.channel):
            choices.append((item.category.value, item.channel, item.enabled))
        elif item.enabled != info.defaults[item.channel]:
            raise PreferenceLocked(
                f"{item.category.value} on {item.channel.value} is always "
                f"{'on' if info.defaults[item.channel] else 'off'} and cannot be changed."
            )
    await repository.save(session, user_id, choices)
    return await read(session, user_id)
