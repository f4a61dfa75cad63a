"""One provider call for a set of deliveries, exactly once in effect: claim → commit → call →
record.

1. Claim: the deliveries move to ``sending`` under a lease, and that is committed before the
   call. A concurrent or later run cannot claim them while the lease holds, and never once they
   are settled: nothing already ``sent`` is sent again.
2. Call the provider (Mailgun and Pusher have no idempotency key; this ledger is the only
   deduplication).
3. Record the outcome in its own transaction: ``sent`` (with the provider's message id),
   ``failed`` for a permanent refusal, or back to ``pending`` when the provider said "later"
   (429, 5xx, no answer); the caller retries later with backoff.

A run interrupted mid-call while its process lives on (SIGTERM after the completion wait, a job
timeout) hands its rows back to ``pending`` at once, so the re-queued job sends them.

The window left: the process dies (or its database connection does) after the provider accepted
the call and before step 3 commits. The deliveries stay ``sending``; when the lease lapses the
next run claims and sends them again. That is at most one extra copy per such crash, only for the
deliveries of the call in flight (at most one batch), and never more: the second run records
``sent`` like any other. The same holds for a call that timed out after the provider acted on it.

A permanent refusal (4xx) of a call for several deliveries may be caused by one of them (a bad
address): the set is split in halves and each half is tried on its own, down to single
deliveries, so one bad recipient fails alone and the others go out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

import structlog

from pickey_core.models import DeliveryState
from pickey_core.providers.errors import ProviderRateLimited, ProviderRejected, ProviderUnavailable
from pickey_core.resources import Resources
from pickey_notifications.deliveries import repository
from pickey_notifications.deliveries.repository import Unsettled
from pickey_notifications.metrics import DELIVERIES, DUPLICATE_SENDS_PREVENTED, PROVIDER_CALLS

logger = structlog.get_logger(__name__)

# Sends one provider call for these deliveries; returns the provider's message id, if any.
Call = Callable[[Sequence[Unsettled]], Awaitable[str | None]]


@dataclass(frozen=True)
class Wait:
    """The provider asked us to come back later; ``retry_after`` seconds when it said."""

    retry_after: float | None
    reason: str


async def claim_and_send(
    resources: Resources,
    deliveries: Sequence[Unsettled],
    call: Call,
    *,
    provider: str,
    lease_seconds: int,
) -> Wait | None:
    """Claim what of ``deliveries`` is still claimable and send it; None when nothing waits."""
    async with resources.unit_of_work() as session:
        claimed = await repository.claim(session, [d.id for d in deliveries], lease_seconds)
    mine = [delivery for delivery in deliveries if delivery.id in claimed]
    if len(mine) < len(deliveries):
        DUPLICATE_SENDS_PREVENTED.labels(provider).inc(len(deliveries) - len(mine))
    if not mine:
        return None
    return await _send(resources, mine, call, provider, lease_seconds, fresh=True)


async def _send(
    resources: Resources,
    deliveries: Sequence[Unsettled],
    call: Call,
    provider: str,
    lease_seconds: int,
    *,
    fresh: bool,
) -> Wait | None:
    ids = [delivery.id for delivery in deliveries]
    channel = deliveries[0].channel.value
    if not fresh:
        async with resources.unit_of_work() as session:
            await repository.extend_lease(session, ids, lease_seconds)
    try:
        message_id = await call(deliveries)
    except asyncio.CancelledError:
        # SIGTERM after the completion wait, or the job's timeout: this process lives on and
        # hands the rows back at once (shielded from a second cancel) instead of leaving them
        # to the lease. The call may have reached the provider: the same one-extra-copy window.
        await asyncio.shield(
            _settle(resources, ids, DeliveryState.PENDING, error="interrupted mid-call")
        )
        raise
    except ProviderRejected as error:
        PROVIDER_CALLS.labels(provider, "rejected").inc()
        if len(deliveries) > 1:
            return await _split(resources, deliveries, call, provider, lease_seconds)
        await _settle(resources, ids, DeliveryState.FAILED, error=str(error))
        DELIVERIES.labels(channel, "failed").inc()
        logger.warning(
            "delivery refused by the provider", delivery_id=str(ids[0]), error=str(error)
        )
        return None
    except (ProviderRateLimited, ProviderUnavailable) as error:
        outcome = "rate_limited" if isinstance(error, ProviderRateLimited) else "unavailable"
        PROVIDER_CALLS.labels(provider, outcome).inc()
        await _settle(resources, ids, DeliveryState.PENDING, error=str(error))
        logger.info("provider asked to wait", provider=provider, error=str(error))
        return Wait(getattr(error, "retry_after", None), str(error))
    PROVIDER_CALLS.labels(provider, "accepted").inc()
    await _settle(resources, ids, DeliveryState.SENT, provider_message_id=message_id)
    DELIVERIES.labels(channel, "sent").inc(len(ids))
    logger.info(f"{channel} sent", deliveries=len(ids), provider_message_id=message_id)
    return None


async def _split(
    resources: Resources,
    deliveries: Sequence[Unsettled],
    call: Call,
    provider: str,
    lease_seconds: int,
) -> Wait | None:
    """Try each half on its own; once the provider says "later", hand the rest back unsent."""
    half = len(deliveries) // 2
    first, second = deliveries[:half], deliveries[half:]
    wait = await _send(resources, first, call, provider, lease_seconds, fresh=False)
    if wait is not None:
        await _settle(resources, [d.id for d in second], DeliveryState.PENDING, error=wait.reason)
        return wait
    return await _send(resources, second, call, provider, lease_seconds, fresh=False)


async def _settle(
    resources: Resources,
    ids: Sequence[uuid.UUID],
    state: DeliveryState,
    *,
    provider_message_id: str | None = None,
    error: str | None = None,
) -> None:
    async with resources.unit_of_work() as session:
        await repository.settle(
            session, ids, state, provider_message_id=provider_message_id, error=error
        )
