"""Honour an unsubscribe link: email off for one category for one user (flushes, never commits).

Idempotent: unsubscribing twice changes nothing more. A link of a deleted account does
nothing, successfully. Only categories a user may turn off can appear in a genuine link (account
and money emails carry none), so any other is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core import notification_preferences
from pickey_core.errors import BadRequest
from pickey_core.models import Channel, User
from pickey_core.notification_categories import Category
from pickey_core.notification_preferences import Choice
from pickey_notifications.unsubscribe.tokens import read_token


class InvalidUnsubscribeLink(BadRequest):
    code = "invalid_unsubscribe_link"


@dataclass(frozen=True)
class Subscription:
    user: User | None
    category: Category


async def find(session: AsyncSession, key: SecretStr, token: str) -> Subscription:
    found = read_token(key, token)
    if found is None:
        raise InvalidUnsubscribeLink("This unsubscribe link is not valid.")
    user_id, category = found
    notification_preferences.is_stored(Choice(category, Channel.EMAIL, enabled=False))
    user = await session.get(User, user_id)
    return Subscription(user if user is not None and user.deleted_at is None else None, category)


async def unsubscribe(session: AsyncSession, key: SecretStr, token: str) -> Subscription:
    subscription = await find(session, key, token)
    if subscription.user is not None:
        choice = Choice(subscription.category, Channel.EMAIL, enabled=False)
        await notification_preferences.save(session, subscription.user.id, [choice])
    return subscription
