"""The one write to ``notification_preferences``, beside the catalogue that rules it.

Two services write this table: the api (a user changes their preferences) and notifications
(an unsubscribe link, Mailgun's unsubscribe event). Both go through :func:`save`, so the rule
for a locked channel (:mod:`pickey_core.notification_categories`) is enforced once:

* a choice equal to a locked channel's fixed value is a harmless no-op (a web app may send the
  whole form back) and is not stored;
* anything else on a locked channel is 422 ``preference_locked``, and nothing of the call is
  stored;
* a stored row is an explicit choice and is kept even when it equals today's default, so a
  later change of a default does not overturn what the user chose.

Flushes, never commits.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import InvalidInput
from pickey_core.models import Channel, NotificationPreference
from pickey_core.notification_categories import CATALOGUE, Category


class PreferenceLocked(InvalidInput):
    code = "preference_locked"


@dataclass(frozen=True)
class Choice:
    category: Category
    channel: Channel
    enabled: bool


def is_stored(choice: Choice) -> bool:
    """Whether the choice is stored (True) or a no-op on a locked channel (False); raises
    :class:`PreferenceLocked` when it would change a locked channel."""
    info = CATALOGUE[choice.category]
    if info.is_configurable(choice.channel):
        return True
    fixed = info.defaults[choice.channel]
    if choice.enabled != fixed:
        raise PreferenceLocked(
            f"{choice.category.value} on {choice.channel.value} is always "
            f"{'on' if fixed else 'off'} and cannot be changed."
        )
    return False


async def save(session: AsyncSession, user_id: uuid.UUID, choices: Iterable[Choice]) -> None:
    """Store each choice, replacing an earlier one for the same category and channel."""
    values = [
        {
            "user_id": user_id,
            "category": choice.category.value,
            "channel": choice.channel,
            "enabled": choice.enabled,
        }
        for choice in [choice for choice in choices if is_stored(choice)]
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
