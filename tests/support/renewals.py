"""Renewals driven as the scheduler drives them: memberships made due, the renewal jobs run, and
the master order, renewals and notices they leave."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from pickey_core.models import (
    Membership,
    OutboxMessage,
    Payment,
    PaymentKind,
)
from pickey_core.queue.contracts import MembershipNotice
from pickey_core.resources import Resources
from pickey_payments.gateway import Gateway
from pickey_payments.renewals import tasks
from pickey_payments.worker_resources import PaymentsWorkerResources
from tests.support.db import all_rows
from tests.support.payments_fans import Fan


async def membership_of(resources: Resources, fan: Fan) -> Membership:
    [membership] = await all_rows(resources, Membership, Membership.fan_id == fan.user.id)
    return membership


async def make_due(resources: Resources, membership_id: uuid.UUID, ago: timedelta) -> datetime:
    """Move the membership's period so that it ended ``ago``; its new period end."""
    end = datetime.now(UTC) - ago
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Membership)
            .where(Membership.id == membership_id)
            .values(current_period_start=end - timedelta(days=30), current_period_end=end)
        )
    return end


async def renewals_of(resources: Resources, membership_id: uuid.UUID) -> list[Payment]:
    rows = await all_rows(
        resources,
        Payment,
        Payment.membership_id == membership_id,
        Payment.kind == PaymentKind.RENEWAL.value,
    )
    return sorted(rows, key=lambda payment: payment.created_at)


async def notices(resources: Resources) -> list[dict[str, Any]]:
    rows = await all_rows(
        resources, OutboxMessage, OutboxMessage.job_name == MembershipNotice.job_name
    )
    return [row.payload for row in sorted(rows, key=lambda row: row.created_at)]


async def master_order(resources: Resources, membership: Membership) -> str:
    [master] = await all_rows(resources, Payment, Payment.id == membership.master_payment_id)
    return master.order_number


async def run(resources: Resources, gateway: Gateway) -> tasks.RenewalRun:
    return await tasks.run(
        resources, PaymentsWorkerResources(resources.settings, gateway), datetime.now(UTC)
    )
