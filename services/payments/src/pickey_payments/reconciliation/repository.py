"""The unsettled payments reconciliation looks at, from ``ix_payments_unsettled`` (oldest first)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Payment, PaymentKind, PaymentState
from pickey_core.models.payments import UNSETTLED_STATES


def to_check_query(
    now: datetime, *, quiet_for: timedelta, recheck_every: timedelta, lease: timedelta, limit: int
) -> Select[Payment]:
    """Unsettled payments worth asking about now: checkouts with no return for ``quiet_for`` (or
    already marked unknown, e.g. PRCODE 1000), renewal charges whose lease ran out; none asked
    about within ``recheck_every``."""
    checkout_quiet = and_(
        Payment.kind != PaymentKind.RENEWAL.value,
        or_(Payment.state == PaymentState.UNKNOWN.value, Payment.created_at < now - quiet_for),
    )
    renewal_stale = and_(
        Payment.kind == PaymentKind.RENEWAL.value,
        or_(Payment.gateway_called_at.is_(None), Payment.gateway_called_at < now - lease),
    )
    return (
        select(Payment)
        .where(
            Payment.state.in_(UNSETTLED_STATES),
            or_(checkout_quiet, renewal_stale),
            or_(Payment.checked_at.is_(None), Payment.checked_at < now - recheck_every),
        )
        .order_by(Payment.created_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )


async def lock_to_check(
    session: AsyncSession,
    now: datetime,
    *,
    quiet_for: timedelta,
    recheck_every: timedelta,
    lease: timedelta,
    limit: int,
) -> Sequence[Payment]:
    query = to_check_query(
        now, quiet_for=quiet_for, recheck_every=recheck_every, lease=lease, limit=limit
    )
    return (await session.scalars(query)).all()
