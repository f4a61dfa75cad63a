"""Write an event's notifications and ledger rows, deciding each recipient's channels.

For every recipient: the in-app row is listed if their preference allows it; an email and a
realtime delivery are written ``pending`` when their preference allows it and ``suppressed``
(with the reason) when not, or when the address is suppressed and the email is not
transactional. All of it in the caller's transaction, in a few statements for any number of
recipients, before any provider is called. Written again (a re-run), nothing changes: the rows
of the first run are found by their unique keys and kept as they are.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Channel, DeliveryState
from pickey_core.notification_categories import is_enabled
from pickey_notifications.deliveries import repository
from pickey_notifications.deliveries.repository import NewDelivery, NewNotification
from pickey_notifications.kinds import KINDS, Kind, KindInfo
from pickey_notifications.preferences import repository as preferences
from pickey_notifications.suppressions import repository as suppressions

PREFERENCE_OFF = "suppressed: preference off"
ADDRESS_SUPPRESSED = "suppressed: address bounced or complained"
SENT_CHANNELS = (Channel.EMAIL, Channel.REALTIME)


@dataclass(frozen=True)
class Outgoing:
    """One notification to write: who gets it, what kind, and the facts its texts need."""

    recipient_id: uuid.UUID
    email: str
    kind: Kind
    data: dict[str, Any]


async def record(
    session: AsyncSession,
    event_key: str,
    outgoing: Sequence[Outgoing],
    *,
    hash_key: SecretStr | None,
) -> list[uuid.UUID]:
    """Write the notifications and deliveries of ``event_key``; returns the notification ids.
    ``hash_key`` is ``PICKEY_SUPPRESSION_HASH_KEY``: erased suppressions are stored hashed."""
    if not outgoing:
        return []
    infos = [KINDS[item.kind] for item in outgoing]
    categories = {info.category.value for info in infos if info.category is not None}
    chosen = await preferences.chosen(session, {item.recipient_id for item in outgoing}, categories)
    blocked = await suppressions.suppressed(
        session,
        {item.email for item, info in zip(outgoing, infos, strict=True) if not info.transactional},
        hash_key,
    )

    def enabled(item: Outgoing, info: KindInfo, channel: Channel) -> bool:
        if info.category is None:
            return True
        stored = chosen.get((item.recipient_id, info.category.value, channel))
        return is_enabled(info.category, channel, stored)

    notifications = []
    deliveries: list[tuple[uuid.UUID, NewDelivery]] = []
    for item, info in zip(outgoing, infos, strict=True):
        in_app = Channel.IN_APP in info.channels and enabled(item, info, Channel.IN_APP)
        notifications.append(NewNotification(item.recipient_id, item.kind, item.data, in_app))
        for channel in SENT_CHANNELS:
            if channel not in info.channels:
                continue
            if not enabled(item, info, channel):
                delivery = NewDelivery(channel, DeliveryState.SUPPRESSED, PREFERENCE_OFF)
            elif (
                channel is Channel.EMAIL
                and not info.transactional
                and item.email.lower() in blocked
            ):
                delivery = NewDelivery(channel, DeliveryState.SUPPRESSED, ADDRESS_SUPPRESSED)
            else:
                delivery = NewDelivery(channel, DeliveryState.PENDING)
            deliveries.append((item.recipient_id, delivery))
    ids = await repository.insert_notifications(session, event_key, notifications)
    await repository.insert_deliveries(
        session, [(ids[recipient], delivery) for recipient, delivery in deliveries]
    )
    return list(dict.fromkeys(ids[item.recipient_id] for item in outgoing))
