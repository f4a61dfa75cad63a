"""The renewal cron job of the payments worker.

Each step commits in small transactions: lapses and reminders per batch; each batch of charges
is claimed and committed *before* the gateway is called, and each answer is recorded in its own
transaction. Running it in two workers at once is safe (row locks with SKIP LOCKED, the unique
charge key, the lease).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import structlog

from pickey_core.resources import Resources
from pickey_payments.renewals import service
from pickey_payments.settlement import service as settlement
from pickey_payments.worker_resources import PaymentsJobContext, PaymentsWorkerResources

logger = structlog.get_logger(__name__)


@dataclass
class RenewalRun:
    lapsed: int = 0
    reminded: int = 0
    recorded: int = 0
    in_doubt: int = 0


async def renew_memberships(ctx: PaymentsJobContext) -> RenewalRun:
    """The periodic job's entry point."""
    return await run(ctx.resources, ctx.service, datetime.now(UTC))


async def run(resources: Resources, payments: PaymentsWorkerResources, now: datetime) -> RenewalRun:
    billing = payments.settings.billing
    gateway = payments.gateway
    batch = billing.renewal_batch_size
    result = RenewalRun()
    while True:
        async with resources.unit_of_work() as session:
            lapsed = await service.lapse_ended(session, now, batch)
        result.lapsed += lapsed
        if lapsed < batch:
            break
    while True:
        async with resources.unit_of_work() as session:
            reminded = await service.remind_upcoming(session, billing, now, batch)
        result.reminded += reminded
        if reminded < batch:
            break
    seen: set[Any] = set()
    while True:
        looked_at = len(seen)
        async with resources.unit_of_work() as session:
            claims = await service.claim_due(session, billing, now, seen)
        for claim in claims:
            outcome = await service.settle_claim(gateway, claim)
            if outcome is None:
                result.in_doubt += 1
                continue
            async with resources.unit_of_work() as session:
                await settlement.settle(session, claim.payment_id, outcome, billing)
            result.recorded += 1
        if len(seen) - looked_at < batch:
            break
    if result.lapsed or result.reminded or result.recorded or result.in_doubt:
        logger.info("renewal run", **vars(result))
    return result
