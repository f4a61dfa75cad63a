"""Realtime deliveries through Pusher: a recipient's notification goes to their private channel
(``private-user-<id>``), an announcement to the creator's channel (``private-creator-<id>``).

Deliveries that publish the same event (same name and data: one announcement's recipients of one
variant) share a trigger on up to ``PICKEY_DELIVERY__REALTIME_CHANNELS_PER_EVENT`` channels
(Pusher: ≤100); the leftovers, one event each, share ``batch_events`` calls (≤10 events). The
data carries the notification's kind and facts, never the notification id, so a whole chunk's
recipients publish identical events and a 50,000-member fan-out takes ~500 calls, not 50,000.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from pickey_core.providers.errors import ProviderRejected
from pickey_core.providers.pusher import creator_channel, user_channel
from pickey_core.providers.pusher_client import PROVIDER, PusherClient, PusherEvent, event_data
from pickey_core.resources import Resources
from pickey_notifications.deliveries.attempts import Wait, claim_and_send
from pickey_notifications.deliveries.repository import Unsettled
from pickey_notifications.kinds import Kind
from pickey_notifications.worker_resources import NotificationsWorkerResources

# The event a user's channel receives for any of their notifications.
NOTIFICATION_EVENT = "notification"
CREATOR_CHANNEL_EVENTS = {Kind.CREATOR_CHANNEL_POST: "new_post", Kind.CREATOR_CHANNEL_LIVE: "live"}


@dataclass(frozen=True)
class Publication:
    channel: str
    name: str
    data: str


def publication(delivery: Unsettled) -> Publication:
    kind = Kind(delivery.kind)
    if kind in CREATOR_CHANNEL_EVENTS:
        channel = creator_channel(uuid.UUID(delivery.data["creator_id"]))
        return Publication(channel, CREATOR_CHANNEL_EVENTS[kind], event_data(delivery.data))
    payload = {"kind": delivery.kind, "data": delivery.data}
    return Publication(user_channel(delivery.recipient_id), NOTIFICATION_EVENT, event_data(payload))


def calls(
    deliveries: Sequence[Unsettled], channels_per_event: int, events_per_batch: int
) -> Iterator[list[Unsettled]]:
    """The deliveries of each call: triggers of one event on many channels first, then the
    single events packed into batches."""
    groups: dict[tuple[str, str], list[Unsettled]] = {}
    for delivery in deliveries:
        published = publication(delivery)
        groups.setdefault((published.name, published.data), []).append(delivery)
    singles: list[Unsettled] = []
    for group in groups.values():
        for start in range(0, len(group), channels_per_event):
            part = group[start : start + channels_per_event]
            if len(part) > 1:
                yield part
            else:
                singles.extend(part)
    for start in range(0, len(singles), events_per_batch):
        yield singles[start : start + events_per_batch]


async def publish(client: PusherClient, deliveries: Sequence[Unsettled]) -> None:
    """One call: a trigger when every delivery publishes the same event, else a batch."""
    published = [publication(delivery) for delivery in deliveries]
    try:
        if len({(p.name, p.data) for p in published}) == 1:
            first = published[0]
            await client.trigger([p.channel for p in published], first.name, first.data)
        else:
            await client.trigger_batch(
                [PusherEvent(channel=p.channel, name=p.name, data=p.data) for p in published]
            )
    except ValueError as error:  # over Pusher's limits: it would refuse the call for good
        raise ProviderRejected(PROVIDER, f"refused before sending: {error}") from error


async def send_realtime(
    resources: Resources, service: NotificationsWorkerResources, deliveries: Sequence[Unsettled]
) -> Wait | None:
    """Send every call; stop at the first "come back later" (the rest stay pending)."""
    client, config = service.realtime, service.settings.delivery

    async def call(part: Sequence[Unsettled], reference: str) -> None:
        await publish(client, part)  # Pusher cannot be asked about a call: no reference sent

    for part in calls(deliveries, config.realtime_channels_per_event, config.realtime_batch_size):
        wait = await claim_and_send(
            resources, part, call, provider=PROVIDER, lease_seconds=config.lease_seconds
        )
        if wait is not None:
            return wait
    return None
