"""What the payments worker's jobs share besides the database and Redis: its typed settings and
the GP webpay gateway, opened once at start-up."""

from __future__ import annotations

from dataclasses import dataclass

from pickey_core.queue.worker import JobContext
from pickey_payments.gateway import Gateway
from pickey_payments.settings import PaymentsSettings


@dataclass(frozen=True)
class PaymentsWorkerResources:
    settings: PaymentsSettings
    gateway: Gateway

    @classmethod
    def open(cls, settings: PaymentsSettings) -> PaymentsWorkerResources:
        return cls(settings, Gateway.open(settings))

    async def aclose(self) -> None:
        await self.gateway.aclose()


# What this service's jobs and periodic jobs receive.
PaymentsJobContext = JobContext[PaymentsWorkerResources]
