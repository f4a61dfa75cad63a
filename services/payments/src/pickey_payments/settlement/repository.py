"""Queries that lock payments for settling."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Membership, Payment, PaymentKind


async def by_order_number(session: AsyncSession, order_number: str) -> Payment | None:
    """The payment with this gateway ORDERNUMBER as committed now, without a lock: enough to
    answer a return that settles nothing (see :func:`lock_by_order_number` for one that may)."""
    return await session.scalar(select(Payment).where(Payment.order_number == order_number))


async def lock_by_order_number(session: AsyncSession, order_number: str) -> Payment | None:
    """The payment with this gateway ORDERNUMBER, locked until the transaction ends: two returns
    of the same order (a refresh, a second tab) are settled one after the other. Read afresh
    (``populate_existing``): the session may hold it from an unlocked read, and only the state
    read under the lock may be acted on."""
    return await session.scalar(
        select(Payment)
        .where(Payment.order_number == order_number)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


async def lock(session: AsyncSession, payment_id: uuid.UUID) -> Payment | None:
    """The payment, locked for settling. A renewal's or an upgrade's membership is locked first:
    the renewal job's claim locks membership then payment, and settling either touches both, so
    taking them in the same order everywhere means two workers never deadlock on them."""
    membership_id = await session.scalar(
        select(Payment.membership_id).where(
            Payment.id == payment_id,
            Payment.kind.in_((PaymentKind.RENEWAL.value, PaymentKind.UPGRADE.value)),
        )
    )
    if membership_id is not None:
        await session.execute(
            select(Membership.id).where(Membership.id == membership_id).with_for_update()
        )
    return await session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())
