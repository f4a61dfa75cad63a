"""Job: greet a new user by email (transactional: always sent, no in-app row)."""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import User
from pickey_core.queue.contracts import SendWelcome
from pickey_notifications.deliveries.notify import notify
from pickey_notifications.deliveries.planning import Outgoing
from pickey_notifications.kinds import Kind
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

logger = structlog.get_logger(__name__)


async def send_welcome(ctx: NotificationsJobContext, payload: SendWelcome) -> None:
    async def recipients(session: AsyncSession) -> list[Outgoing]:
        user = await session.get(User, payload.user_id)
        if user is None or user.deleted_at is not None:
            logger.info("welcome skipped: no such active user", user_id=str(payload.user_id))
            return []
        return [Outgoing(user.id, user.email, Kind.WELCOME, {"display_name": user.display_name})]

    await notify(ctx, f"{Kind.WELCOME.value}:{payload.user_id}", recipients)
