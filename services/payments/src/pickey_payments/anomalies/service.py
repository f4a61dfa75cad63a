"""What the operator should look at, in one report (up to 50 of each):

- creators with a negative balance (refunds of money already paid out; netted against later
  payouts, but a creator who earns nothing more owes it);
- paid payments with no ledger booking (must stay empty: settlement books in the same
  transaction; anything here was paid before the ledger existed or is a bug);
- refunds still under way after an hour (the gateway's answer was lost and not resolved);
- payout batches still ``created`` or ``sent`` a week after the run (the bank order was not
  uploaded or its result not recorded).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_payments.anomalies import repository
from pickey_payments.anomalies.schemas import AnomalyReport, NegativeBalance

LIMIT = 50


async def report(session: AsyncSession, now: datetime) -> AnomalyReport:
    return AnomalyReport(
        negative_balances=[
            NegativeBalance(creator_id=c, currency=cur, balance=b)
            for c, cur, b in await repository.negative_balances(session, LIMIT)
        ],
        paid_payments_not_booked=await repository.paid_not_booked(session, LIMIT),
        refunds_unsettled_over_an_hour=await repository.refunds_unsettled_since(
            session, now - timedelta(hours=1), LIMIT
        ),
        payout_batches_open_over_a_week=await repository.batches_open_since(
            session, now - timedelta(days=7), LIMIT
        ),
    )
