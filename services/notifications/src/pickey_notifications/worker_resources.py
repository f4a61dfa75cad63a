"""What the notifications worker's jobs share besides the database and Redis: its typed settings
and the provider clients (Mailgun, Pusher), opened once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from pickey_core.providers.mailgun import MailgunClient
from pickey_core.providers.pusher_client import PusherClient
from pickey_core.queue.worker import JobContext
from pickey_notifications.settings import NotificationsSettings


@dataclass(frozen=True)
class NotificationsWorkerResources:
    settings: NotificationsSettings
    email: MailgunClient
    realtime: PusherClient

    @classmethod
    def open(cls, settings: NotificationsSettings) -> NotificationsWorkerResources:
        return cls(settings, MailgunClient(settings.mailgun), PusherClient(settings.pusher))

    async def aclose(self) -> None:
        await self.email.aclose()
        await self.realtime.aclose()


# What this service's jobs and periodic jobs receive.
NotificationsJobContext = JobContext[NotificationsWorkerResources]
