"""Queries on notifications and their deliveries. Each keeps the ledger's invariants in SQL:

* one notification per (event, recipient) and one delivery per (notification, channel), by
  unique keys, so writing them again finds the first ones;
* a delivery moves ``pending → sending`` only through :func:`claim`, which no two runs can win
  for the same row while its lease holds, and leaves ``sending`` only through :func:`settle`.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, and_, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.any_of import any_of
from pickey_core.models import Channel, DeliveryState, Notification, NotificationDelivery, User

# asyncpg takes at most 32,767 parameters per statement; rows are written in slices below that.
_ROWS_PER_INSERT = 2_000

# Core statements over the tables, executed with a list of rows: SQLAlchemy compiles each once
# and sends the rows as multi-row VALUES pages ("insertmanyvalues"). Building ``.values([...])``
# per call compiled a 2,000-row statement every time (a third of the fan-out's CPU, issue 14).
_NOTIFICATIONS: Table = Notification.__table__  # type: ignore[assignment]
_DELIVERIES: Table = NotificationDelivery.__table__  # type: ignore[assignment]
_INSERT_NOTIFICATIONS = (
    insert(_NOTIFICATIONS)
    .on_conflict_do_nothing(index_elements=["event_key", "recipient_id"])
    .returning(_NOTIFICATIONS.c.recipient_id, _NOTIFICATIONS.c.id)
)
_INSERT_DELIVERIES = insert(_DELIVERIES).on_conflict_do_nothing(
    index_elements=["notification_id", "channel"]
)


def new_ids(count: int) -> list[uuid.UUID]:
    """``count`` random (version 4) uuids from one read of the system's randomness, where
    ``uuid4()`` reads it once per id (a system call each: 6 % of the fan-out's CPU)."""
    random = os.urandom(16 * count)
    return [uuid.UUID(bytes=random[i : i + 16], version=4) for i in range(0, 16 * count, 16)]


@dataclass(frozen=True)
class NewNotification:
    recipient_id: uuid.UUID
    kind: str
    data: dict[str, Any]
    in_app: bool


@dataclass(frozen=True)
class NewDelivery:
    channel: Channel
    state: DeliveryState
    reason: str | None = None


@dataclass(frozen=True)
class Unsettled:
    """A delivery to send, with what its message needs."""

    id: uuid.UUID
    channel: Channel
    notification_id: uuid.UUID
    kind: str
    data: dict[str, Any]
    recipient_id: uuid.UUID
    email: str
    locale: str
    display_name: str


async def insert_notifications(
    session: AsyncSession, event_key: str, rows: Sequence[NewNotification]
) -> dict[uuid.UUID, uuid.UUID]:
    """Notification id by recipient: created now, or found from an earlier run of the event."""
    ids: dict[uuid.UUID, uuid.UUID] = {}
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        part = rows[start : start + _ROWS_PER_INSERT]
        inserted = await session.execute(
            _INSERT_NOTIFICATIONS,
            [
                {
                    "id": new_id,
                    "event_key": event_key,
                    "recipient_id": row.recipient_id,
                    "kind": row.kind,
                    "data": row.data,
                    "in_app": row.in_app,
                }
                for row, new_id in zip(part, new_ids(len(part)), strict=True)
            ],
        )
        ids.update({recipient: notification for recipient, notification in inserted})
    missing = [row.recipient_id for row in rows if row.recipient_id not in ids]
    if missing:
        found = await session.execute(
            select(Notification.recipient_id, Notification.id).where(
                Notification.event_key == event_key, any_of(Notification.recipient_id, missing)
            )
        )
        ids.update({recipient: notification for recipient, notification in found})
    return ids


async def insert_deliveries(
    session: AsyncSession, rows: Sequence[tuple[uuid.UUID, NewDelivery]]
) -> None:
    """Ledger rows ``(notification id, delivery)``, written before any provider call; a row that
    exists (an earlier run) is kept as it is."""
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        part = rows[start : start + _ROWS_PER_INSERT]
        await session.execute(
            _INSERT_DELIVERIES,
            [
                {
                    "id": new_id,
                    "notification_id": notification_id,
                    "channel": delivery.channel,
                    "state": delivery.state,
                    "last_error": delivery.reason,
                }
                for (notification_id, delivery), new_id in zip(
                    part, new_ids(len(part)), strict=True
                )
            ],
        )


# The ledger's UPDATEs run with ``synchronize_session=False``: no code holds delivery rows as ORM
# objects (queries here select columns), and the default ("auto": fetch) returned and matched
# every updated id (a tenth of the fan-out's CPU, issue 14).


def _claimable(now: datetime) -> Any:
    """Pending, or claimed by a run whose lease lapsed (it died mid-call)."""
    return or_(
        NotificationDelivery.state == DeliveryState.PENDING,
        and_(
            NotificationDelivery.state == DeliveryState.SENDING,
            NotificationDelivery.lease_expires_at < now,
        ),
    )


async def unsettled(
    session: AsyncSession, notification_ids: Sequence[uuid.UUID]
) -> list[Unsettled]:
    """The deliveries of these notifications that still need sending (and may be claimed now)."""
    if not notification_ids:
        return []
    rows = await session.execute(
        select(
            NotificationDelivery.id,
            NotificationDelivery.channel,
            Notification.id,
            Notification.kind,
            Notification.data,
            User.id,
            # A notice for an address, not an account (a gift's recipient): the row is kept
            # under the account that caused it and names the address in ``data.deliver_to``.
            func.coalesce(Notification.data["deliver_to"].astext, User.email),
            User.locale,
            User.display_name,
        )
        .join(Notification, Notification.id == NotificationDelivery.notification_id)
        .join(User, User.id == Notification.recipient_id)
        .where(
            any_of(NotificationDelivery.notification_id, notification_ids),
            _claimable(datetime.now(UTC)),
        )
        .order_by(NotificationDelivery.id)
    )
    return [
        Unsettled(
            id=delivery_id,
            channel=channel,
            notification_id=notification_id,
            kind=kind,
            data=data,
            recipient_id=recipient_id,
            email=email,
            locale=locale,
            display_name=display_name,
        )
        for (
            delivery_id,
            channel,
            notification_id,
            kind,
            data,
            recipient_id,
            email,
            locale,
            display_name,
        ) in rows
    ]


@dataclass(frozen=True)
class Claimed:
    """What a claimed row said before this claim: the reference of an earlier call whose outcome
    nobody recorded (see :func:`begin_call`), if any."""

    previous_call: str | None


CALL_REFERENCE_PREFIX = "call:"


def new_call_reference() -> str:
    """``call:<start, ms since the epoch>:<random>``: unique, and says when the call began."""
    return f"{CALL_REFERENCE_PREFIX}{int(time.time() * 1000)}:{uuid.uuid4().hex}"


def call_started(reference: str) -> datetime:
    """When the call named ``reference`` began (the epoch for a malformed one: ask at once)."""
    try:
        milliseconds = int(reference.removeprefix(CALL_REFERENCE_PREFIX).split(":", 1)[0])
    except ValueError:
        milliseconds = 0
    return datetime.fromtimestamp(milliseconds / 1000, UTC)


async def claim(
    session: AsyncSession, delivery_ids: Sequence[uuid.UUID], lease_seconds: int
) -> dict[uuid.UUID, Claimed]:
    """Move the claimable ones among ``delivery_ids`` to ``sending`` under a lease; the caller
    commits before calling the provider. Concurrent claims of one row: the second waits for the
    first's lock, then finds it ``sending`` and does not get it.

    A row found ``sending`` with a lapsed lease was claimed by a run that died before recording
    the outcome; a row ``pending`` with a call reference had a call time out. Either way the
    provider may or may not have accepted it: :class:`Claimed` carries the earlier call's
    reference so the caller can ask the provider before sending again.
    """
    if not delivery_ids:
        return {}
    now = datetime.now(UTC)
    # One UPDATE ... RETURNING: it locks each row it changes, and a concurrent claim of the same
    # row waits for that lock, then re-checks the condition on the new version (sending, under
    # a live lease) and leaves it out. The claim does not change provider_message_id, so what
    # it returns is the earlier call's reference.
    claimed = await session.execute(
        update(NotificationDelivery)
        .execution_options(synchronize_session=False)
        .where(any_of(NotificationDelivery.id, delivery_ids), _claimable(now))
        .values(
            state=DeliveryState.SENDING,
            attempts=NotificationDelivery.attempts + 1,
            lease_expires_at=now + timedelta(seconds=lease_seconds),
        )
        .returning(NotificationDelivery.id, NotificationDelivery.provider_message_id)
    )
    return {
        delivery_id: Claimed(
            reference if (reference or "").startswith(CALL_REFERENCE_PREFIX) else None
        )
        for delivery_id, reference in claimed
    }


async def begin_call(
    session: AsyncSession,
    delivery_ids: Sequence[uuid.UUID],
    reference: str,
    lease_seconds: int,
) -> None:
    """Stamp claimed rows with the reference of the call about to be made (and a fresh lease),
    committed before the call. Until the outcome is recorded (``sent`` replaces it with the
    provider's message id) the reference says which call to ask the provider about."""
    await session.execute(
        update(NotificationDelivery)
        .execution_options(synchronize_session=False)
        .where(
            any_of(NotificationDelivery.id, delivery_ids),
            NotificationDelivery.state == DeliveryState.SENDING,
        )
        .values(
            provider_message_id=reference,
            lease_expires_at=datetime.now(UTC) + timedelta(seconds=lease_seconds),
        )
    )


async def extend_lease(
    session: AsyncSession, delivery_ids: Sequence[uuid.UUID], lease_seconds: int
) -> None:
    """Give claimed deliveries a fresh lease before another call (a batch split after a 400)."""
    await session.execute(
        update(NotificationDelivery)
        .execution_options(synchronize_session=False)
        .where(
            any_of(NotificationDelivery.id, delivery_ids),
            NotificationDelivery.state == DeliveryState.SENDING,
        )
        .values(lease_expires_at=datetime.now(UTC) + timedelta(seconds=lease_seconds))
    )


async def settle(
    session: AsyncSession,
    delivery_ids: Sequence[uuid.UUID],
    state: DeliveryState,
    *,
    provider_message_id: str | None = None,
    error: str | None = None,
    forget_call: bool = False,
) -> None:
    """Record the outcome of a call: ``sent`` / ``failed`` are final; ``pending`` hands the rows
    back (the provider said later) for the next run, keeping the call's reference so the next
    run asks about it, unless ``forget_call`` (the provider certainly did not act on it). Only
    rows still ``sending`` change."""
    values: dict[str, Any] = {"state": state, "last_error": error, "lease_expires_at": None}
    if state is DeliveryState.SENT:
        values.update(provider_message_id=provider_message_id, sent_at=datetime.now(UTC))
    elif forget_call:
        values.update(provider_message_id=None)
    await session.execute(
        update(NotificationDelivery)
        .execution_options(synchronize_session=False)
        .where(
            any_of(NotificationDelivery.id, delivery_ids),
            NotificationDelivery.state == DeliveryState.SENDING,
        )
        .values(**values)
    )


async def stale_notification_ids(
    session: AsyncSession, untouched_since: datetime, limit: int, resumable_kinds: Sequence[str]
) -> list[uuid.UUID]:
    """Notifications with a delivery nobody has touched since ``untouched_since`` and that may
    be claimed now: their job died for good, was abandoned, or lost its Redis entry. Read from
    the partial index on unfinished deliveries, oldest first."""
    now = datetime.now(UTC)
    rows = await session.scalars(
        select(NotificationDelivery.notification_id)
        .join(Notification, Notification.id == NotificationDelivery.notification_id)
        .where(
            NotificationDelivery.state.in_([DeliveryState.PENDING, DeliveryState.SENDING]),
            NotificationDelivery.updated_at < untouched_since,
            _claimable(now),
            Notification.kind.in_(resumable_kinds),
        )
        .order_by(NotificationDelivery.updated_at)
        .limit(limit)
    )
    return list(dict.fromkeys(rows))


async def held_until(
    session: AsyncSession, notification_ids: Sequence[uuid.UUID]
) -> datetime | None:
    """When the last live claim on these notifications' deliveries lapses: another run is
    sending them now (or died doing so); None when nothing is held."""
    if not notification_ids:
        return None
    held: datetime | None = await session.scalar(
        select(func.max(NotificationDelivery.lease_expires_at)).where(
            any_of(NotificationDelivery.notification_id, notification_ids),
            NotificationDelivery.state == DeliveryState.SENDING,
            NotificationDelivery.lease_expires_at >= datetime.now(UTC),
        )
    )
    return held
