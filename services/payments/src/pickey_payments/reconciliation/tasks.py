"""The reconciliation cron job of the payments worker."""

from __future__ import annotations

from datetime import UTC, datetime

import structlog

from pickey_core.resources import Resources
from pickey_payments.reconciliation import service
from pickey_payments.settlement import service as settlement
from pickey_payments.worker_resources import PaymentsJobContext, PaymentsWorkerResources

logger = structlog.get_logger(__name__)


async def reconcile_payments(ctx: PaymentsJobContext) -> int:
    """The periodic job's entry point."""
    return await run(ctx.resources, ctx.service, datetime.now(UTC))


async def run(resources: Resources, payments: PaymentsWorkerResources, now: datetime) -> int:
    """Ask about every payment due a check; returns how many were settled."""
    billing = payments.settings.billing
    gateway = payments.gateway
    settled = 0
    while True:
        async with resources.unit_of_work() as session:
            checks = await service.claim(session, billing, now)
        for check in checks:
            result = await service.ask(gateway, check, billing, now)
            if result is None:
                continue
            async with resources.unit_of_work() as session:
                settled += await settlement.settle(session, check.payment_id, result, billing)
        if len(checks) < billing.renewal_batch_size:
            break
    if settled:
        logger.info("payments reconciled", count=settled)
    return settled
