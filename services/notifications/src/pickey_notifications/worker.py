"""The notifications worker: consumes the notifications queue."""

from __future__ import annotations

from typing import Any

from pickey_core.providers.mailgun import MailgunClient
from pickey_core.queue.contracts import Queue, SendAccountEmail, SendWelcome
from pickey_core.queue.worker import JobRoute, worker_options
from pickey_notifications.account_emails.tasks import send_account_email
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.welcome.tasks import send_welcome

ROUTES: list[JobRoute[Any]] = [
    JobRoute(SendWelcome, send_welcome),
    JobRoute(SendAccountEmail, send_account_email),
]


def notifications_worker(settings: NotificationsSettings) -> dict[str, Any]:
    async def open_clients(ctx: dict[str, Any]) -> None:
        ctx["clients"]["email"] = MailgunClient(settings.mailgun)

    async def close_clients(ctx: dict[str, Any]) -> None:
        client: MailgunClient | None = ctx.get("clients", {}).get("email")
        if client is not None:
            await client.aclose()

    return worker_options(
        settings, Queue.NOTIFICATIONS, ROUTES, on_startup=open_clients, on_shutdown=close_clients
    )
