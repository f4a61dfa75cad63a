"""The payout run as an arq cron job of the payments worker (hourly; see ``service.run``)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from pickey_core.resources import Resources
from pickey_payments.payouts import service
from pickey_payments.settings import PaymentsSettings


async def run_payouts(ctx: dict[str, Any]) -> int:
    """arq cron entry point; how many payouts were created (0 when not due or already done)."""
    return await run(ctx["resources"], datetime.now(UTC))


async def run(resources: Resources, now: datetime) -> int:
    settings = resources.settings
    assert isinstance(settings, PaymentsSettings)
    async with resources.unit_of_work() as session:
        result = await service.run(session, settings.billing.money, now)
    return result.payouts if result else 0
