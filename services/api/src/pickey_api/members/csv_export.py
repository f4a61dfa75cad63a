"""The members list as CSV, streamed: keyset chunks, each read in its own short transaction,
written out and forgotten, so memory holds one chunk whatever the number of members and no
transaction stays open while a slow client downloads.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab
or carriage return: a fan may name themselves ``=HYPERLINK(...)``) get a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import AsyncIterator

from pickey_api.members import service
from pickey_api.members.schemas import MemberRead
from pickey_core.models import MembershipStatus
from pickey_core.resources import Resources

CHUNK = 500

HEADER = [
    "membership_id",
    "fan_id",
    "display_name",
    "email",
    "tier",
    "status",
    "cancel_at_period_end",
    "since",
    "next_renewal_at",
    "lifetime_paid",
    "currency",
]

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _line(values: list[object]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([_cell(value) for value in values])
    return buffer.getvalue()


def _minor_units(amount: int) -> str:
    """Whole units with two decimals, exactly (no float): 5900 → 59.00, -5 → -0.05."""
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    return f"{sign}{whole}.{cents:02d}"


def _row(member: MemberRead) -> list[object]:
    return [
        member.membership_id,
        member.fan_id,
        member.display_name,
        member.email,
        member.tier_name,
        member.status.value,
        "yes" if member.cancel_at_period_end else "no",
        member.since.isoformat(),
        member.next_renewal_at.isoformat() if member.next_renewal_at else None,
        _minor_units(member.lifetime_paid),
        member.currency,
    ]


async def stream(
    resources: Resources,
    creator_id: uuid.UUID,
    *,
    status: MembershipStatus | None,
    tier_id: uuid.UUID | None,
    chunk: int = CHUNK,
) -> AsyncIterator[str]:
    """The CSV, one chunk of members at a time (a UTF-8 BOM first, for spreadsheets)."""
    yield "\ufeff" + _line(list(HEADER))
    before = None
    while True:
        async with resources.sessions() as session:
            members = await service.page(
                session, creator_id, status=status, tier_id=tier_id, before=before, limit=chunk
            )
        if members:
            yield "".join(_line(_row(member)) for member in members)
        if len(members) < chunk:
            return
        before = (members[-1].since, members[-1].membership_id)
