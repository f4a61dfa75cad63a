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

The window this used to leave — the process dies (or its database connection does) after the
provider accepted the call and before step 3 commits, or the call times out after the provider
acted on it — is closed for providers that can be asked (Mailgun, ``ask``): ask, don't repeat,
as payments does with ``getPaymentStatus``.

* Before each call the rows are stamped with a fresh call reference (committed), and the call
  carries it (Mailgun: the ``v:delivery-batch`` variable). A provider that cannot be asked
  (Pusher) skips the stamp before its first call: nothing would read it, and the claim's lease
  is fresh.
* A later run that claims rows still carrying a reference (the lease lapsed on ``sending``, or a
  timeout handed them back ``pending``) asks the provider which recipients of that call it
  accepted (Mailgun's events API), records those ``sent`` and sends only the others.
* The provider's record may lag behind its answer, so the question is asked only once the call
  is ``ask_after_seconds`` old (until then the rows wait); a failed question sends nothing.

Pusher cannot be asked: a realtime event in flight at a crash may still arrive twice (it is an
ephemeral UI update, not a message in someone's inbox).

A permanent refusal (4xx) of a call for several deliveries may be caused by one of them (a bad
address): the set is split in halves and each half is tried on its own, down to single
deliveries, so one bad recipient fails alone and the others go out.
"""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import structlog

from pickey_core.models import DeliveryState
from pickey_core.providers.errors import ProviderRateLimited, ProviderRejected, ProviderUnavailable
from pickey_core.resources import Resources
from pickey_notifications.deliveries import repository
from pickey_notifications.deliveries.repository import Unsettled
from pickey_notifications.metrics import DELIVERIES, DUPLICATE_SENDS_PREVENTED, PROVIDER_CALLS

logger = structlog.get_logger(__name__)

# Sends one provider call for these deliveries, tagged with the call's reference; returns the
# provider's message id, if any.
Call = Callable[[Sequence[Unsettled], str], Awaitable[str | None]]


@dataclass(frozen=True)
class Ask:
    """How to learn what an earlier call did: ``accepted(reference)`` answers the message id by
    (lower-cased) address for every recipient the provider accepted in that call."""

    accepted: Callable[[str], Awaitable[dict[str, str]]]
    after_seconds: float


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
    ask: Ask | None = None,
) -> Wait | None:
    """Claim what of ``deliveries`` is still claimable and send it; None when nothing waits."""
    async with resources.unit_of_work() as session:
        claimed = await repository.claim(session, [d.id for d in deliveries], lease_seconds)
    mine = [delivery for delivery in deliveries if delivery.id in claimed]
    if len(mine) < len(deliveries):
        DUPLICATE_SENDS_PREVENTED.labels(provider).inc(len(deliveries) - len(mine))
    if mine and ask is not None:
        asked = await _ask_first(resources, mine, claimed, ask, provider)
        if isinstance(asked, Wait):
            return asked
        mine = asked
    if not mine:
        return None
    # A provider that cannot be asked never reads the call's reference, and the claim's lease
    # is seconds old: its first call skips the stamp (a transaction per call; a split stamps).
    return await _send(resources, mine, call, provider, lease_seconds, stamp=ask is not None)


async def _ask_first(
    resources: Resources,
    deliveries: Sequence[Unsettled],
    claimed: dict[uuid.UUID, repository.Claimed],
    ask: Ask,
    provider: str,
) -> list[Unsettled] | Wait:
    """Of deliveries whose earlier call has no recorded outcome, record ``sent`` those the
    provider accepted; return what is still to send (or a :class:`Wait`)."""
    unknown = {claimed[d.id].previous_call for d in deliveries} - {None}
    if not unknown:
        return list(deliveries)
    ids = [delivery.id for delivery in deliveries]
    # Measured from the call's start (in its reference), not from the rows' last change: a
    # "too early" round touches the rows and must not push the question further away.
    youngest = max(repository.call_started(reference) for reference in unknown if reference)
    too_early = ask.after_seconds - (datetime.now(UTC) - youngest).total_seconds()
    if too_early > 0:
        reason = "outcome of the last call unknown; asking the provider once its record is complete"
        await _settle(resources, ids, DeliveryState.PENDING, error=reason)
        return Wait(too_early, reason)
    accepted: dict[str, dict[str, str]] = {}
    try:
        for reference in sorted(r for r in unknown if r is not None):
            accepted[reference] = await ask.accepted(reference)
    except (ProviderRateLimited, ProviderUnavailable) as error:
        await _settle(resources, ids, DeliveryState.PENDING, error=f"cannot ask: {error}")
        PROVIDER_CALLS.labels(provider, "ask_failed").inc()
        return Wait(getattr(error, "retry_after", None), str(error))
    already: dict[str, list[uuid.UUID]] = {}
    rest: list[Unsettled] = []
    for delivery in deliveries:
        previous = claimed[delivery.id].previous_call
        message_id = accepted.get(previous or "", {}).get(delivery.email.lower())
        if message_id is None:
            rest.append(delivery)
        else:
            already.setdefault(message_id, []).append(delivery.id)
    for message_id, accepted_ids in already.items():
        await _settle(resources, accepted_ids, DeliveryState.SENT, provider_message_id=message_id)
        DELIVERIES.labels(deliveries[0].channel.value, "sent").inc(len(accepted_ids))
    PROVIDER_CALLS.labels(provider, "asked").inc()
    logger.info(
        "asked the provider about an unrecorded call",
        provider=provider,
        already_accepted=sum(len(v) for v in already.values()),
        to_send=len(rest),
    )
    return rest


async def _send(
    resources: Resources,
    deliveries: Sequence[Unsettled],
    call: Call,
    provider: str,
    lease_seconds: int,
    *,
    stamp: bool = True,
) -> Wait | None:
    ids = [delivery.id for delivery in deliveries]
    channel = deliveries[0].channel.value
    reference = repository.new_call_reference()
    if stamp:
        async with resources.unit_of_work() as session:
            await repository.begin_call(session, ids, reference, lease_seconds)
    try:
        message_id = await call(deliveries, reference)
    except asyncio.CancelledError:
        # SIGTERM after the completion wait, or the job's timeout: this process lives on and
        # hands the rows back at once (shielded from a second cancel) instead of leaving them
        # to the lease. The call may have reached the provider: the next run asks first.
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
        rate_limited = isinstance(error, ProviderRateLimited)
        PROVIDER_CALLS.labels(provider, "rate_limited" if rate_limited else "unavailable").inc()
        await _settle(
            resources,
            ids,
            DeliveryState.PENDING,
            error=str(error),
            forget_call=_certainly_not_sent(error),
        )
        logger.info("provider asked to wait", provider=provider, error=str(error))
        return Wait(getattr(error, "retry_after", None), str(error))
    PROVIDER_CALLS.labels(provider, "accepted").inc()
    await _settle(resources, ids, DeliveryState.SENT, provider_message_id=message_id)
    DELIVERIES.labels(channel, "sent").inc(len(ids))
    logger.info(f"{channel} sent", deliveries=len(ids), provider_message_id=message_id)
    return None


def _certainly_not_sent(error: ProviderRateLimited | ProviderUnavailable) -> bool:
    """An error answer (429, 5xx) or a connection never opened sent nothing: the next run need
    not ask about this call. No answer at all (a timeout, a connection lost mid-call) or a 2xx
    without a message id leaves the outcome unknown."""
    if error.status_code is not None:
        return error.status_code >= 300
    return isinstance(error.__cause__, httpx.ConnectError | httpx.ConnectTimeout)


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
    wait = await _send(resources, first, call, provider, lease_seconds)
    if wait is not None:
        await _settle(resources, [d.id for d in second], DeliveryState.PENDING, error=wait.reason)
        return wait
    return await _send(resources, second, call, provider, lease_seconds)


async def _settle(
    resources: Resources,
    ids: Sequence[uuid.UUID],
    state: DeliveryState,
    *,
    provider_message_id: str | None = None,
    error: str | None = None,
    forget_call: bool = False,
) -> None:
    async with resources.unit_of_work() as session:
        await repository.settle(
            session,
            ids,
            state,
            provider_message_id=provider_message_id,
            error=error,
            forget_call=forget_call,
        )
