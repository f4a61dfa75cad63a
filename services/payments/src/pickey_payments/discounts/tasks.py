"""Job: tell creators which of their discount codes expire within :data:`WARNING_AHEAD`, once
per code (``expiry_notified_at`` is set in the transaction that writes the outbox row, so a
re-run or a second worker never warns twice; the notice itself is deduplicated on its key too).

Decided: the creator is told, not the fans — the creator can still extend the offer by making a
new code, and a fan who already redeemed keeps the discount (nothing changes for them).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from pickey_core.models import DiscountCode
from pickey_core.queue.contracts import DiscountExpiring
from pickey_core.queue.outbox import enqueue
from pickey_core.resources import Resources
from pickey_payments.worker_resources import PaymentsJobContext

WARNING_AHEAD = timedelta(days=3)
BATCH = 500


async def warn_expiring_codes(ctx: PaymentsJobContext) -> int:
    """Periodic job entry point."""
    return await run(ctx.resources, datetime.now(UTC))


async def run(resources: Resources, now: datetime) -> int:
    warned = 0
    while True:
        async with resources.unit_of_work() as session:
            codes = list(
                await session.scalars(
                    select(DiscountCode)
                    .where(
                        DiscountCode.expires_at.is_not(None),
                        DiscountCode.expiry_notified_at.is_(None),
                        DiscountCode.expires_at > now,
                        DiscountCode.expires_at <= now + WARNING_AHEAD,
                        DiscountCode.disabled_at.is_(None),
                    )
                    .order_by(DiscountCode.expires_at)
                    .limit(BATCH)
                    .with_for_update(skip_locked=True)
                )
            )
            for code in codes:
                code.expiry_notified_at = now
                enqueue(session, DiscountExpiring(discount_code_id=code.id))
        warned += len(codes)
        if len(codes) < BATCH:
            return warned
