"""Job: greet a new user with an in-app notification and an email."""

from __future__ import annotations

import structlog

from pickey_core.models import Channel, User
from pickey_core.providers.mailgun import EmailMessage, MailgunClient
from pickey_core.queue.contracts import SendWelcome
from pickey_core.queue.worker import JobContext
from pickey_notifications.deliveries import repository
from pickey_notifications.deliveries.email import deliver_email
from pickey_notifications.email.templates import render
from pickey_notifications.settings import NotificationsSettings

logger = structlog.get_logger(__name__)

KIND = "welcome"


async def send_welcome(ctx: JobContext, payload: SendWelcome) -> None:
    settings = ctx.resources.settings
    assert isinstance(settings, NotificationsSettings)
    async with ctx.resources.unit_of_work() as session:
        user = await session.get(User, payload.user_id)
        if user is None or user.deleted_at is not None:
            logger.info("welcome skipped: no such active user", user_id=str(payload.user_id))
            return
        notification_id = await repository.upsert_notification(
            session,
            event_key=f"{KIND}:{user.id}",
            recipient_id=user.id,
            kind=KIND,
            data={"display_name": user.display_name},
        )
        delivery = await repository.upsert_delivery(session, notification_id, Channel.EMAIL)
        email = render(KIND, user.locale, {"name": user.display_name, "app_url": settings.app_url})
        address = user.email
    client: MailgunClient = ctx.clients["email"]
    message = EmailMessage(
        to=[address], subject=email.subject, text=email.text, html=email.html, tags=[KIND]
    )
    await deliver_email(ctx, client, delivery.id, message)
