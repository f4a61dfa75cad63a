"""Set-based queries of the payout run and the batch actions.

Every statement works on all creators of a batch at once, so the number of statements of a run
does not grow with the number of creators (``just bench payouts`` counts them).
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    HOLD_ENTRY_TYPES,
    PayoutBatch,
    PayoutBatchState,
)
from pickey_payments.payouts.payment_order import OrderLine


async def claim_period(session: AsyncSession, period: str, now: datetime) -> uuid.UUID | None:
    """Create the period's batch; None if it exists. A second worker running at the same
    moment waits on the unique index until the first commits, then gets None."""
    batch_id: uuid.UUID | None = await session.scalar(
        insert(PayoutBatch)
        .values(
            id=uuid.uuid4(),
            period=period,
            state=PayoutBatchState.CREATED.value,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=[PayoutBatch.period])
        .returning(PayoutBatch.id)
    )
    return batch_id


async def freeze_ledger(session: AsyncSession) -> None:
    """Let in-flight bookings commit and hold new ones until this run commits, so the balances
    and the last entry id each payout covers are exact (a booking waits about a second)."""
    await session.execute(text("LOCK TABLE ledger_entries IN SHARE ROW EXCLUSIVE MODE"))


_CREATE_PAYOUTS = text(
    """
    WITH sums AS (
        SELECT creator_id, currency,
               sum(amount) AS balance,
               coalesce(sum(amount) FILTER (
                   WHERE type = ANY(:hold_types) AND created_at > :held_since), 0) AS recent,
               max(id) AS last_entry_id
        FROM ledger_entries
        WHERE account = 'creator'
        GROUP BY creator_id, currency
    ), available AS (
        SELECT creator_id, currency, last_entry_id,
               balance - greatest(0, least(balance, recent)) AS amount
        FROM sums
    ), accounts AS (
        SELECT DISTINCT ON (creator_id) id, creator_id
        FROM payout_accounts
        ORDER BY creator_id, created_at DESC, id DESC
    )
    INSERT INTO payouts (id, batch_id, creator_id, payout_account_id, amount, currency, state,
                         last_entry_id, created_at, updated_at)
    SELECT gen_random_uuid(), :batch_id, available.creator_id, accounts.id, available.amount,
           available.currency, 'created', available.last_entry_id, :now, :now
    FROM available JOIN accounts USING (creator_id)
    WHERE available.amount >= CASE available.currency
        WHEN 'CZK' THEN CAST(:minimum_czk AS bigint)
        WHEN 'EUR' THEN CAST(:minimum_eur AS bigint) END
    """
)


async def create_payouts(
    session: AsyncSession,
    batch_id: uuid.UUID,
    now: datetime,
    held_since: datetime,
    minimum_czk: int,
    minimum_eur: int,
) -> int:
    """One payout per creator and currency whose available balance reaches the minimum and who
    has a payout account; how many."""
    result = await session.execute(
        _CREATE_PAYOUTS,
        {
            "batch_id": batch_id,
            "now": now,
            "held_since": held_since,
            "hold_types": list(HOLD_ENTRY_TYPES),
            "minimum_czk": minimum_czk,
            "minimum_eur": minimum_eur,
        },
    )
    return int(result.rowcount)  # type: ignore[attr-defined]


_NUMBER_STATEMENTS = text(
    """
    UPDATE payouts SET statement_number =
        CAST(:series AS text) || CAST(:year AS text) || '-'
        || lpad((CAST(:first AS bigint) + numbered.n - 1)::text, 6, '0')
    FROM (SELECT id, row_number() OVER (ORDER BY creator_id, currency) AS n
          FROM payouts WHERE batch_id = :batch_id) AS numbered
    WHERE payouts.id = numbered.id
    """
)


async def number_statements(
    session: AsyncSession, batch_id: uuid.UUID, series: str, year: int, first: int
) -> None:
    await session.execute(
        _NUMBER_STATEMENTS,
        {"batch_id": batch_id, "series": series, "year": str(year), "first": first},
    )


_BOOK = text(
    """
    WITH chosen AS (
        SELECT id, creator_id, amount, currency FROM payouts
        WHERE batch_id = :batch_id AND (CAST(:payout_id AS uuid) IS NULL OR id = :payout_id)
          AND state = ANY(:from_states)
    ), transactions AS (
        INSERT INTO ledger_transactions (id, key, kind, payout_id, creator_id, created_at)
        SELECT gen_random_uuid(), CAST(:kind AS text) || ':' || chosen.id, :kind, chosen.id,
               chosen.creator_id,
               :now
        FROM chosen
        RETURNING id, payout_id
    )
    INSERT INTO ledger_entries (transaction_id, account, creator_id, type, amount, currency,
                                created_at)
    SELECT transactions.id, moves.account, chosen.creator_id, :kind, moves.sign * chosen.amount,
           chosen.currency, :now
    FROM chosen
    JOIN transactions ON transactions.payout_id = chosen.id
    CROSS JOIN (VALUES (CAST(:debit AS text), -1), (CAST(:credit AS text), 1))
        AS moves (account, sign)
    """
)


async def book(
    session: AsyncSession,
    batch_id: uuid.UUID,
    *,
    kind: str,
    debit: str,
    credit: str,
    from_states: list[str],
    now: datetime,
    payout_id: uuid.UUID | None = None,
) -> None:
    """For each payout of the batch (or just ``payout_id``) in ``from_states``: one ledger
    transaction ``<kind>:<payout id>`` moving its amount from ``debit`` to ``credit``."""
    await session.execute(
        _BOOK,
        {
            "batch_id": batch_id,
            "payout_id": payout_id,
            "from_states": from_states,
            "kind": kind,
            "debit": debit,
            "credit": credit,
            "now": now,
        },
    )


_SET_STATE = text(
    """
    UPDATE payouts SET state = :state, updated_at = :now
    WHERE batch_id = :batch_id AND (CAST(:payout_id AS uuid) IS NULL OR id = :payout_id)
      AND state = ANY(:from_states)
    """
)


async def set_state(
    session: AsyncSession,
    batch_id: uuid.UUID,
    state: str,
    from_states: list[str],
    now: datetime,
    payout_id: uuid.UUID | None = None,
) -> None:
    await session.execute(
        _SET_STATE,
        {
            "batch_id": batch_id,
            "state": state,
            "from_states": from_states,
            "now": now,
            "payout_id": payout_id,
        },
    )


_ORDER_LINES = text(
    """
    SELECT payouts.currency, payout_accounts.holder_name, payout_accounts.iban, payouts.amount,
           payouts.statement_number
    FROM payouts JOIN payout_accounts ON payout_accounts.id = payouts.payout_account_id
    WHERE payouts.batch_id = :batch_id
    ORDER BY payouts.currency, payouts.statement_number
    """
)


async def order_lines(
    session: AsyncSession, batch_id: uuid.UUID, period: str
) -> dict[str, list[OrderLine]]:
    by_currency: dict[str, list[OrderLine]] = {}
    for currency, holder, iban, amount, number in await session.execute(
        _ORDER_LINES, {"batch_id": batch_id}
    ):
        line = OrderLine(holder, iban, int(amount), number, period)
        by_currency.setdefault(currency, []).append(line)
    return by_currency


async def lock_batch(session: AsyncSession, batch_id: uuid.UUID) -> PayoutBatch | None:
    return await session.scalar(
        select(PayoutBatch).where(PayoutBatch.id == batch_id).with_for_update()
    )
