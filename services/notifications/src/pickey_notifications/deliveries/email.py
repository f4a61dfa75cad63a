"""Email deliveries in Mailgun batches: those with the same kind, data and language share one
call (up to ``PICKEY_DELIVERY__EMAIL_BATCH_SIZE`` recipients), each claimed and recorded through
:mod:`pickey_notifications.deliveries.attempts`."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any

from pickey_core.providers.mailgun import PROVIDER
from pickey_core.resources import Resources
from pickey_notifications.deliveries.attempts import Ask, Wait, claim_and_send
from pickey_notifications.deliveries.email_message import build_message
from pickey_notifications.deliveries.repository import Unsettled
from pickey_notifications.worker_resources import NotificationsWorkerResources

# The ``v:`` variable naming the call (our reference), which Mailgun's events API filters on.
DELIVERY_BATCH_VARIABLE = "delivery-batch"


def batches(deliveries: Sequence[Unsettled], size: int) -> Iterator[list[Unsettled]]:
    """Deliveries grouped by identical content, in slices of at most ``size`` distinct
    addresses (recipient variables are keyed by address, so one address appears once a call)."""
    groups: dict[tuple[str, str, str], list[Unsettled]] = {}
    for delivery in deliveries:
        key = (delivery.kind, json.dumps(delivery.data, sort_keys=True), delivery.locale)
        groups.setdefault(key, []).append(delivery)
    for group in groups.values():
        while group:
            batch: list[Unsettled] = []
            seen: set[str] = set()
            rest: list[Unsettled] = []
            for delivery in group:
                address = delivery.email.lower()
                if len(batch) < size and address not in seen:
                    batch.append(delivery)
                    seen.add(address)
                else:
                    rest.append(delivery)
            yield batch
            group = rest


async def send_emails(
    resources: Resources,
    service: NotificationsWorkerResources,
    deliveries: Sequence[Unsettled],
    *,
    extra_context: dict[str, Any] | None = None,
) -> Wait | None:
    """Send every batch; stop at the first "come back later" (the rest stay pending)."""
    settings, client = service.settings, service.email

    async def call(part: Sequence[Unsettled], reference: str) -> str:
        message = build_message(settings, part, extra_context)
        tagged = {**message.variables, DELIVERY_BATCH_VARIABLE: reference}
        return await client.send(message.model_copy(update={"variables": tagged}))

    async def accepted(reference: str) -> dict[str, str]:
        copies = await client.accepted({DELIVERY_BATCH_VARIABLE: reference})
        return {copy.recipient: copy.message_id for copy in copies}

    ask = Ask(accepted, settings.delivery.ask_after_seconds)
    for batch in batches(deliveries, settings.delivery.email_batch_size):
        wait = await claim_and_send(
            resources,
            batch,
            call,
            provider=PROVIDER,
            lease_seconds=settings.delivery.lease_seconds,
            ask=ask,
        )
        if wait is not None:
            return wait
    return None
