"""Job: apply a stored Mailgun event, once.

* ``failed`` with severity ``permanent`` (a hard bounce): the address is suppressed for
  non-transactional email (``bounced``).
* ``complained`` (marked as spam): suppressed (``complained``).
* ``unsubscribed`` (Mailgun's own unsubscribe handling): email turned off for the message's
  category (``v:category``) for the user with that address; for every category a user may turn
  off when the message named none.
* anything else (delivered, opened, temporary failures Mailgun retries itself): nothing.

Each effect is idempotent (an upsert), so the same event twice changes nothing more.
"""

from __future__ import annotations

from typing import Any

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core import inbox, notification_preferences
from pickey_core.models import Channel, InboxEvent, SuppressionReason
from pickey_core.notification_categories import CATALOGUE, Category
from pickey_core.notification_preferences import Choice
from pickey_core.queue.contracts import HandleMailgunEvent
from pickey_notifications.mailgun_webhooks import repository
from pickey_notifications.suppressions import repository as suppressions
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

logger = structlog.get_logger(__name__)

TURNABLE_OFF = [
    info.category.value for info in CATALOGUE.values() if info.is_configurable(Channel.EMAIL)
]


async def handle_mailgun_event(ctx: NotificationsJobContext, payload: HandleMailgunEvent) -> None:
    async with ctx.resources.unit_of_work() as session:
        event = await session.get(InboxEvent, payload.inbox_event_id, with_for_update=True)
        if event is None or event.processed_at is not None:
            return
        await apply(session, event.payload)
        await inbox.mark_processed(session, event.id)


async def apply(session: AsyncSession, data: dict[str, Any]) -> None:
    kind = data.get("event")
    recipient = str(data.get("recipient") or "").strip().lower()
    if not recipient:
        logger.warning("mailgun event without a recipient", event_type=kind)
        return
    if kind == "failed" and data.get("severity") == "permanent":
        detail = str(data.get("reason") or "") or None
        await suppressions.suppress(session, recipient, SuppressionReason.BOUNCED, detail)
        logger.info("address suppressed after a permanent failure")
    elif kind == "complained":
        await suppressions.suppress(session, recipient, SuppressionReason.COMPLAINED, None)
        logger.info("address suppressed after a complaint")
    elif kind == "unsubscribed":
        await _unsubscribe(session, recipient, data.get("user-variables") or {})


async def _unsubscribe(session: AsyncSession, address: str, variables: dict[str, Any]) -> None:
    user_id = await repository.user_id_by_email(session, address)
    if user_id is None:
        return
    try:
        named: list[str] = [Category(str(variables.get("category"))).value]
    except ValueError:
        named = TURNABLE_OFF
    categories = [category for category in named if category in TURNABLE_OFF] or TURNABLE_OFF
    choices = [Choice(Category(category), Channel.EMAIL, enabled=False) for category in categories]
    await notification_preferences.save(session, user_id, choices)
    logger.info("email turned off after an unsubscribe", categories=categories)
