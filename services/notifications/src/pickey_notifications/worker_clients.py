"""The provider clients a notifications worker opens at start-up and every job shares."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pickey_core.providers.mailgun import MailgunClient
from pickey_core.providers.pusher_client import PusherClient
from pickey_notifications.settings import NotificationsSettings

EMAIL = "email"
REALTIME = "realtime"


@dataclass(frozen=True)
class Clients:
    email: MailgunClient
    realtime: PusherClient

    @classmethod
    def open(cls, settings: NotificationsSettings) -> Clients:
        return cls(MailgunClient(settings.mailgun), PusherClient(settings.pusher))

    @classmethod
    def of(cls, clients: dict[str, Any]) -> Clients:
        return cls(clients[EMAIL], clients[REALTIME])

    def register(self, clients: dict[str, Any]) -> None:
        clients[EMAIL] = self.email
        clients[REALTIME] = self.realtime

    async def aclose(self) -> None:
        await self.email.aclose()
        await self.realtime.aclose()
