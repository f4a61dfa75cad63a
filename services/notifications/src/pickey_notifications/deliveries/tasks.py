"""The delivery sweeper (a cron job of every notifications worker): resume deliveries that
nobody is working on.

Jobs retry their own deliveries; this catches what they cannot: a job that failed for good
after its retries during a long provider outage, an outbox row the sweeper gave up on, a job
lost with Redis's data whose row was already completed. It reads the ledger's partial index of
unfinished deliveries, takes those untouched for ``PICKEY_DELIVERY__RESUME_AFTER_SECONDS``
that may be claimed now, and sends them through the same claim → call → record path. A provider
still down hands them back to ``pending`` (touching them), so the next attempt waits another
period: a natural backoff. Nothing is lost however long the outage lasts.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import structlog

from pickey_core.resources import Resources
from pickey_notifications.deliveries import repository
from pickey_notifications.deliveries.dispatch import deliver_pending
from pickey_notifications.kinds import KINDS
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
    NotificationsWorkerResources,
)

logger = structlog.get_logger(__name__)

RESUMABLE_KINDS = [info.kind.value for info in KINDS.values() if info.resumable]


async def resume_stale_deliveries(
    resources: Resources, service: NotificationsWorkerResources
) -> int:
    """Send what has been left unsettled too long; returns how many notifications it tried."""
    config = service.settings.delivery
    untouched_since = datetime.now(UTC) - timedelta(seconds=config.resume_after_seconds)
    async with resources.sessions() as session:
        stale = await repository.stale_notification_ids(
            session, untouched_since, config.resume_batch_size, RESUMABLE_KINDS
        )
    if not stale:
        return 0
    wait = await deliver_pending(resources, service, stale)
    logger.info(
        "delivery sweeper resumed deliveries",
        notifications=len(stale),
        provider_wait=wait.reason if wait else None,
    )
    return len(stale)


async def sweep(ctx: NotificationsJobContext) -> None:
    """The periodic job's entry point."""
    await resume_stale_deliveries(ctx.resources, ctx.service)
