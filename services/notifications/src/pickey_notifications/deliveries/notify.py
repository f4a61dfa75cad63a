"""The shape of every event job with a handful of recipients: read what the event is about,
write its notifications and ledger rows in one transaction, commit, then send."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_notifications.deliveries import planning
from pickey_notifications.deliveries.dispatch import deliver
from pickey_notifications.deliveries.planning import Outgoing
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

Recipients = Callable[[AsyncSession], Awaitable[list[Outgoing]]]


async def notify(
    ctx: NotificationsJobContext,
    event_key: str,
    recipients: Recipients,
    *,
    extra_context: dict[str, Any] | None = None,
) -> None:
    """``recipients`` reads the event's rows and returns who gets what (an empty list when the
    event no longer calls for anything: a deleted account, a payment that is not paid)."""
    async with ctx.resources.unit_of_work() as session:
        outgoing = await recipients(session)
        notification_ids = await planning.record(
            session, event_key, outgoing, hash_key=ctx.service.settings.suppression_hash_key
        )
    if notification_ids:
        await deliver(ctx, notification_ids, extra_context=extra_context)
