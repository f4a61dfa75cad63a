"""Job: email a one-time link (address verification, password reset) to an account.

The api issued the token and keeps only its hash; the raw token arrives in the payload and goes
into the link, nowhere else: the notification's event key is the purpose and the token's
SHA-256 (so a re-run of the job finds the same notification and delivery and sends nothing
twice), and the notification's data holds no token. That is also why the delivery sweeper
cannot resume these emails (the kind is not resumable): their job, kept by the outbox until it
completes, is the only thing that can send them.
"""

from __future__ import annotations

import hashlib
from urllib.parse import urlencode

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import User
from pickey_core.queue.contracts import SendAccountEmail
from pickey_notifications.deliveries.notify import notify
from pickey_notifications.deliveries.planning import Outgoing
from pickey_notifications.kinds import Kind
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

logger = structlog.get_logger(__name__)

# The web app's pages that take the token from the query string.
LINK_PATHS = {"verify_email": "/verify-email", "password_reset": "/reset-password"}


def event_key(payload: SendAccountEmail) -> str:
    return f"{payload.purpose}:{hashlib.sha256(payload.token.encode()).hexdigest()}"


def link(app_url: str, payload: SendAccountEmail) -> str:
    query = urlencode({"token": payload.token})
    return f"{app_url.rstrip('/')}{LINK_PATHS[payload.purpose]}?{query}"


async def send_account_email(ctx: NotificationsJobContext, payload: SendAccountEmail) -> None:
    settings = ctx.service.settings

    async def recipients(session: AsyncSession) -> list[Outgoing]:
        user = await session.get(User, payload.user_id)
        if user is None or user.deleted_at is not None:
            logger.info("account email skipped: no such active user", purpose=payload.purpose)
            return []
        if payload.purpose == "verify_email" and user.email_verified_at is not None:
            logger.info("verification email skipped: address already verified")
            return []
        return [Outgoing(user.id, user.email, Kind(payload.purpose), {})]

    await notify(
        ctx,
        event_key(payload),
        recipients,
        extra_context={"link": link(settings.app_url, payload)},
    )
