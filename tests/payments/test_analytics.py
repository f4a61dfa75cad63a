"""The analytics job: monthly figures from the membership history and the ledger, to the haléř,
and closed months that never change."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    CancellationReason,
    CreatorMonthlyCancellations,
    CreatorMonthlyStats,
    CreatorMonthlyTierRevenue,
    Membership,
    MembershipEvent,
    MembershipEventKind,
    MembershipStatus,
    Payment,
    PaymentKind,
    PaymentState,
    RefundState,
    Tier,
    User,
)
from pickey_core.resources import Resources
from pickey_payments import membership_history
from pickey_payments.analytics import tasks
from pickey_payments.ledger import service as ledger
from pickey_payments.ledger.config import MoneyConfig
from tests.payments.money import refund_row
from tests.support import factories
from tests.support.payments_fans import Shop

K = MembershipEventKind
MONEY = MoneyConfig()
OCT, NOV, DEC = date(2026, 10, 1), date(2026, 11, 1), date(2026, 12, 1)


def at(month: date, day: int) -> datetime:
    return datetime(month.year, month.month, day, 12, tzinfo=UTC)


async def paid(
    session: AsyncSession,
    fan: User,
    creator_id: uuid.UUID,
    tier: Tier | None,
    kind: PaymentKind,
    amount: int,
    when: datetime,
) -> Payment:
    """A paid payment booked in the ledger at ``when`` (as settlement books it)."""
    payment = Payment(
        kind=kind,
        state=PaymentState.PAID,
        fan_id=fan.id,
        creator_id=creator_id,
        tier_id=tier.id if tier else None,
        amount=amount,
        currency="CZK",
        paid_at=when,
    )
    session.add(payment)
    await session.flush()
    assert await ledger.record_payment(session, payment, MONEY)
    return payment


async def change(
    session: AsyncSession,
    membership: Membership,
    kind: MembershipEventKind,
    when: datetime,
    *,
    monthly_amount: int | None = None,
    reason: CancellationReason | None = None,
    **fields: object,
) -> None:
    """Change the membership as the flow would, then record it as the flow does."""
    for name, value in fields.items():
        setattr(membership, name, value)
    await membership_history.record(
        session, membership, kind, when, monthly_amount=monthly_amount, reason=reason
    )


async def test_two_months_of_a_creators_business(shop: Shop, payments_resources: Resources) -> None:
    shop_id = shop.creator.id
    t59, t99, t199 = shop.tiers
    async with payments_resources.unit_of_work() as session:
        a, b, c, d = [await factories.user(session) for _ in range(4)]
        ma = await factories.membership(session, a, t99)
        mb = await factories.membership(session, b, t59)
        mc = await factories.membership(session, c, t199)
        # October: three fans join; a tip and an unlock; B cancels (too expensive).
        await paid(session, a, shop_id, t99, PaymentKind.MEMBERSHIP, 9900, at(OCT, 3))
        await change(session, ma, K.STARTED, at(OCT, 3), monthly_amount=9900)
        await paid(session, b, shop_id, t59, PaymentKind.MEMBERSHIP, 5900, at(OCT, 10))
        await change(session, mb, K.STARTED, at(OCT, 10), monthly_amount=5900)
        await paid(session, c, shop_id, t199, PaymentKind.MEMBERSHIP, 19900, at(OCT, 20))
        await change(session, mc, K.STARTED, at(OCT, 20), monthly_amount=19900)
        await paid(session, c, shop_id, None, PaymentKind.TIP, 5000, at(OCT, 21))
        await paid(session, a, shop_id, None, PaymentKind.UNLOCK, 4900, at(OCT, 22))
        await change(
            session,
            mb,
            K.CANCELLED,
            at(OCT, 25),
            cancel_at_period_end=True,
            reason=CancellationReason.TOO_EXPENSIVE,
        )
        # November: A renews (2000 of it refunded), B lapses, C renews on the 99 tier, D joins
        # and cancels without a reason.
        renewal = await paid(session, a, shop_id, t99, PaymentKind.RENEWAL, 9900, at(NOV, 3))
        await change(session, ma, K.RENEWED, at(NOV, 3), monthly_amount=9900)
        await change(session, mb, K.LAPSED, at(NOV, 10), status=MembershipStatus.LAPSED)
        await paid(session, c, shop_id, t99, PaymentKind.RENEWAL, 9900, at(NOV, 20))
        await change(session, mc, K.TIER_CHANGED, at(NOV, 20), tier_id=t99.id, monthly_amount=9900)
        refund = await refund_row(session, renewal, 2000, RefundState.REQUESTED)
        assert await ledger.record_refund(session, refund, MONEY, at(NOV, 25))
        md = await factories.membership(session, d, t59)
        await paid(session, d, shop_id, t59, PaymentKind.MEMBERSHIP, 5900, at(NOV, 28))
        await change(session, md, K.STARTED, at(NOV, 28), monthly_amount=5900)
        await change(session, md, K.CANCELLED, at(NOV, 29), cancel_at_period_end=True)

    assert await tasks.run(payments_resources, at(DEC, 5)) == 3
    stats, tiers, reasons = await _rows(payments_resources)
    columns = [
        *("active_start", "active_end", "new_members", "churned", "mrr_start", "mrr_end"),
        *("membership_revenue", "tips", "unlocks", "refunds", "final"),
    ]
    assert {row.month: tuple(getattr(row, name) for name in columns) for row in stats} == {
        OCT: (0, 3, 3, 0, 0, 29800, 35700, 5000, 4900, 0, True),
        NOV: (3, 3, 1, 1, 29800, 19800, 25700, 0, 0, 2000, True),
        DEC: (3, 3, 0, 0, 19800, 19800, 0, 0, 0, 0, False),
    }
    assert tiers == {
        (OCT, t59.id): (5900, 0),
        (OCT, t99.id): (9900, 0),
        (OCT, t199.id): (19900, 0),
        (NOV, t59.id): (5900, 0),
        (NOV, t99.id): (19800, 2000),
    }
    assert reasons == {(OCT, "too_expensive"): 1, (NOV, "none"): 1}

    # A closed month is never recomputed: even an event that (wrongly) lands in October now
    # changes nothing there; only the open month is computed again.
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            insert(MembershipEvent).values(
                membership_id=ma.id,
                creator_id=shop.creator.id,
                fan_id=a.id,
                tier_id=t99.id,
                kind=K.LAPSED,
                monthly_amount=9900,
                mrr_delta=-9900,
                currency="CZK",
                occurred_at=at(OCT, 30),
            )
        )
    assert await tasks.run(payments_resources, at(DEC, 6)) == 1
    again, tiers_again, reasons_again = await _rows(payments_resources)
    assert [(row.month, row.mrr_end, row.active_end) for row in again] == [
        (OCT, 29800, 3),
        (NOV, 19800, 3),
        (DEC, 19800, 3),
    ]
    assert (tiers_again, reasons_again) == (tiers, reasons)


async def test_nothing_to_compute_without_history(payments_resources: Resources) -> None:
    assert await tasks.run(payments_resources, at(DEC, 5)) == 0


async def _rows(
    resources: Resources,
) -> tuple[
    list[CreatorMonthlyStats],
    dict[tuple[date, object], tuple[int, int]],
    dict[tuple[date, str], int],
]:
    async with resources.sessions() as session:
        stats = list(
            (
                await session.scalars(
                    select(CreatorMonthlyStats).order_by(CreatorMonthlyStats.month)
                )
            ).all()
        )
        tiers = {
            (row.month, row.tier_id): (row.gross, row.refunds)
            for row in await session.scalars(select(CreatorMonthlyTierRevenue))
        }
        reasons = {
            (row.month, row.reason): row.count
            for row in await session.scalars(select(CreatorMonthlyCancellations))
        }
    return stats, tiers, reasons
