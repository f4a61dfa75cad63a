"""The fan's membership notices, sent through the outbox in the caller's transaction.

Each notice carries an ``event_key`` naming its occurrence, so the notifications service sends it
once however often the job runs: a payment's failure by payment id, a lapse or a reminder by the
membership and the period end it concerns.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Membership
from pickey_core.queue.contracts import MembershipNotice
from pickey_core.queue.outbox import enqueue

Notice = Literal[
    "renewal_upcoming", "renewal_failed", "pay_by_hand", "membership_lapsed", "trial_ending"
]


def send(
    session: AsyncSession,
    membership: Membership,
    notice: Notice,
    *,
    payment_id: uuid.UUID | None = None,
    retry_at: datetime | None = None,
) -> None:
    period_end = membership.current_period_end
    occurrence = (
        str(payment_id)
        if payment_id is not None and notice != "membership_lapsed"
        else (f"{membership.id}:{period_end.isoformat() if period_end else 'none'}")
    )
    enqueue(
        session,
        MembershipNotice(
            membership_id=membership.id,
            notice=notice,
            event_key=f"{notice}:{occurrence}",
            payment_id=payment_id,
            period_end=period_end,
            retry_at=retry_at,
        ),
    )
