"""The analytics cron job: bring every open month's figures up to date, each in its own
transaction, oldest first (a month starts from the previous one's ending figures)."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from pickey_core.resources import Resources
from pickey_payments.analytics import service
from pickey_payments.worker_resources import PaymentsJobContext

logger = structlog.get_logger(__name__)


async def compute_analytics(ctx: PaymentsJobContext) -> int:
    """arq cron entry point."""
    return await run(ctx.resources, datetime.now(UTC))


async def run(resources: Resources, now: datetime) -> int:
    """Months computed. Safe to run twice at once: each month's rows are replaced in one
    transaction, and the same inputs give the same rows."""
    async with resources.unit_of_work() as session:
        months = await service.months_to_compute(session, now)
    for month in months:
        async with resources.unit_of_work() as session:
            creators = await service.compute_month(session, month, now)
        logger.info("analytics month computed", month=month.isoformat(), creators=creators)
    return len(months)
