"""The payout run as an arq cron job of the payments worker (hourly; see ``service.run``)."""

from __future__ import annotations

from datetime import UTC, datetime

from pickey_core.resources import Resources
from pickey_payments.payouts import service
from pickey_payments.settings import PaymentsSettings
from pickey_payments.worker_resources import PaymentsJobContext


async def run_payouts(ctx: PaymentsJobContext) -> int:
    """The periodic job's entry point; how many payouts were created (0 when not due or already
    done)."""
    return await run(ctx.resources, ctx.service.settings, datetime.now(UTC))


async def run(resources: Resources, settings: PaymentsSettings, now: datetime) -> int:
    async with resources.unit_of_work() as session:
        result = await service.run(session, settings.billing.money, now)
    return result.payouts if result else 0
