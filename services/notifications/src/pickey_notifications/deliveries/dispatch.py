"""Send whatever of some notifications' deliveries is still unsettled, on every channel.

Used by every job after it has written its notifications (and by the delivery sweeper for
notifications whose job is gone): it reads the ledger, not the job's memory, so a re-run, a
retry or a resume sends exactly what is still owed. Email and realtime go out concurrently; if
a provider asks to wait, its remaining deliveries stay pending and the job retries later. A job
whose deliveries are claimed by another run retries too, until that claim is recorded or lapses,
so it completes only when everything it owes is settled.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from arq import Retry

from pickey_core.models import Channel
from pickey_core.queue.worker import backoff_seconds
from pickey_core.resources import Resources
from pickey_notifications.deliveries import repository
from pickey_notifications.deliveries.attempts import Wait
from pickey_notifications.deliveries.email import send_emails
from pickey_notifications.deliveries.realtime import send_realtime
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
    NotificationsWorkerResources,
)


async def deliver_pending(
    resources: Resources,
    service: NotificationsWorkerResources,
    notification_ids: Sequence[uuid.UUID],
    *,
    extra_context: dict[str, Any] | None = None,
) -> Wait | None:
    """Send the unsettled deliveries of ``notification_ids``; a :class:`Wait` if some must wait."""
    async with resources.unit_of_work() as session:
        pending = await repository.unsettled(session, notification_ids)
    emails = [delivery for delivery in pending if delivery.channel is Channel.EMAIL]
    realtime = [delivery for delivery in pending if delivery.channel is Channel.REALTIME]
    waits = await asyncio.gather(
        send_emails(resources, service, emails, extra_context=extra_context),
        send_realtime(resources, service, realtime),
    )
    return next((wait for wait in waits if wait is not None), None)


async def deliver(
    ctx: NotificationsJobContext,
    notification_ids: Sequence[uuid.UUID],
    *,
    extra_context: dict[str, Any] | None = None,
) -> None:
    """:func:`deliver_pending` for a job: when a provider asks to wait, the job is retried after
    the provider's "try again after" (never sooner) or its own backoff, with jitter so the
    retries of many jobs do not arrive together."""
    wait = await deliver_pending(
        ctx.resources, ctx.service, notification_ids, extra_context=extra_context
    )
    cap = ctx.service.settings.worker.retry_backoff_max_seconds
    if wait is not None:
        raise Retry(defer=retry_delay(wait, ctx.job_try, cap))
    async with ctx.resources.sessions() as session:
        held = await repository.held_until(session, notification_ids)
    if held is not None:
        # Another run holds some of them: it records them, or it died and its lease lapses.
        # Come back then (sooner at first), so a crashed run's deliveries go out after the
        # lease, not only when the delivery sweeper gets to them.
        until_lapsed = (held - datetime.now(UTC)).total_seconds() + 0.5
        raise Retry(defer=min(until_lapsed, max(0.5, backoff_seconds(ctx.job_try, cap))))


def retry_delay(wait: Wait, job_try: int, cap: int) -> float:
    """Seconds until the next try: at least the provider's ``retry_after`` plus up to a quarter
    more, or exponential backoff with full jitter when it gave none."""
    if wait.retry_after is not None:
        return wait.retry_after + random.uniform(0, 1 + wait.retry_after / 4)  # noqa: S311
    return max(0.1, backoff_seconds(job_try, cap))
