"""Queries of the renewal job. Each reads from ``ix_memberships_due`` (held memberships by period
end) and locks what it picks with SKIP LOCKED, so several workers share the work."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import Exists, Select, and_, exists, not_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import BillingInterval, Membership, MembershipStatus, Payment, PaymentKind
from pickey_core.models.memberships import HELD_STATUSES
from pickey_core.models.payments import UNSETTLED_STATES


def _renewal_in_doubt(fresh_after: datetime | None = None) -> Exists:
    """A renewal payment of the membership whose outcome is not settled (optionally: one whose
    charge was sent after ``fresh_after``, i.e. is still under way)."""
    condition = exists().where(
        Payment.membership_id == Membership.id,
        Payment.kind == PaymentKind.RENEWAL.value,
        Payment.state.in_(UNSETTLED_STATES),
    )
    if fresh_after is not None:
        condition = condition.where(Payment.gateway_called_at > fresh_after)
    return condition


def due_for_charge_query(
    now: datetime, lease: timedelta, skip: Collection[uuid.UUID], limit: int
) -> Select[Membership]:
    """Held memberships whose period has ended and whose next charge is due, not cancelled, not
    waiting for a payment by hand, and with no charge under way; locked, SKIP LOCKED."""
    query = (
        select(Membership)
        .where(
            Membership.status.in_(HELD_STATUSES),
            Membership.current_period_end <= now,
            Membership.cancel_at_period_end.is_(False),
            Membership.requires_manual_payment.is_(False),
            Membership.trial.is_(False),
            or_(Membership.next_retry_at.is_(None), Membership.next_retry_at <= now),
            not_(_renewal_in_doubt(fresh_after=now - lease)),
        )
        .order_by(Membership.current_period_end)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    if skip:
        query = query.where(Membership.id.not_in(skip))
    return query


async def lock_due_for_charge(
    session: AsyncSession,
    now: datetime,
    lease: timedelta,
    skip: Collection[uuid.UUID],
    limit: int,
) -> Sequence[Membership]:
    return (await session.scalars(due_for_charge_query(now, lease, skip, limit))).all()


async def lock_ended(session: AsyncSession, now: datetime, limit: int) -> Sequence[Membership]:
    """Held memberships to lapse: cancelled and past their period end, a free trial past its
    end (unpaid: there is no card to charge and nothing to retry), or waiting for a payment by
    hand past the grace period; never one with a renewal charge still in doubt."""
    return (
        await session.scalars(
            select(Membership)
            .where(
                Membership.status.in_(HELD_STATUSES),
                Membership.current_period_end <= now,
                or_(
                    Membership.cancel_at_period_end.is_(True),
                    Membership.trial.is_(True),
                    and_(
                        Membership.requires_manual_payment.is_(True),
                        Membership.next_retry_at <= now,
                    ),
                ),
                not_(_renewal_in_doubt()),
            )
            .order_by(Membership.current_period_end)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()


async def lock_to_remind(
    session: AsyncSession, now: datetime, ahead: Mapping[BillingInterval, timedelta], limit: int
) -> Sequence[Membership]:
    """Active memberships renewing within their interval's lead time (``ahead``; a zero lead
    time sends none) whose fan was not reminded of this period."""
    within = [
        and_(
            Membership.billing_interval == interval.value,
            Membership.current_period_end <= now + lead,
        )
        for interval, lead in ahead.items()
        if lead > timedelta(0)
    ]
    if not within:
        return []
    return (
        await session.scalars(
            select(Membership)
            .where(
                Membership.status.in_(HELD_STATUSES),
                Membership.status == MembershipStatus.ACTIVE.value,
                Membership.current_period_end > now,
                or_(*within),
                Membership.cancel_at_period_end.is_(False),
                or_(
                    Membership.reminded_for_period_end.is_(None),
                    Membership.reminded_for_period_end != Membership.current_period_end,
                ),
            )
            .order_by(Membership.current_period_end)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    ).all()


async def lock_renewal_payment(session: AsyncSession, renewal_key: str) -> Payment | None:
    return await session.scalar(
        select(Payment).where(Payment.renewal_key == renewal_key).with_for_update()
    )
