"""Ledger lists read O(page) rows from their indexes whatever the ledger's size (the database is
across a network): a creator's earnings, the operator's ledger per account, a creator's payouts. The
real queries are explained (EXPLAIN ANALYZE) over 120,000 entries."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import LedgerAccount
from pickey_core.resources import Resources
from pickey_payments.ledger.repository import account_entries_query, creator_entries_query
from pickey_payments.payouts.creator_endpoints import creator_payouts_query
from tests.support.plans import PAGE, assert_reads_a_page, explain

SEED = """
    SET LOCAL session_replication_role = replica;
    INSERT INTO users (id, email, password_hash, display_name)
    SELECT gen_random_uuid(), 'c' || n || '@example.cz', 'x', 'C' FROM generate_series(1, 200) n;
    INSERT INTO creators (id, user_id, slug, display_name)
    SELECT gen_random_uuid(), id, 'c-' || email, 'C' FROM users;
    INSERT INTO ledger_transactions (id, key, kind, creator_id, created_at)
    SELECT gen_random_uuid(), 'seed:' || n, 'payment', c.id,
           now() - make_interval(mins => n)
    FROM generate_series(1, 60000) n
    JOIN (SELECT id, row_number() OVER (ORDER BY id) AS k FROM creators) c
      ON c.k = CASE WHEN n % 2 = 0 THEN 1 ELSE 1 + n % 200 END;
    INSERT INTO ledger_entries (transaction_id, account, creator_id, type, amount, currency,
                                created_at)
    SELECT t.id, moves.account, t.creator_id, 'payment', moves.sign * 7364, 'CZK', t.created_at
    FROM ledger_transactions t
    CROSS JOIN (VALUES ('gateway_clearing', -1), ('creator', 1)) AS moves (account, sign);
    -- One transaction in a hundred also books VAT: a rarer account among many others.
    INSERT INTO ledger_entries (transaction_id, account, creator_id, type, amount, currency,
                                created_at)
    SELECT t.id, moves.account, t.creator_id, 'vat', moves.sign * 1718, 'CZK', t.created_at
    FROM (SELECT * FROM ledger_transactions WHERE key LIKE '%00') t
    CROSS JOIN (VALUES ('creator', -1), ('vat_payable', 1)) AS moves (account, sign);
    INSERT INTO payout_batches (id, period, state)
    SELECT gen_random_uuid(), to_char(date '2020-01-01' + make_interval(months => n), 'YYYY-MM'),
           'paid'
    FROM generate_series(0, 59) n;
    INSERT INTO payout_accounts (id, creator_id, iban, holder_name)
    SELECT gen_random_uuid(), id, 'CZ6508000000192000145399', 'C' FROM creators;
    INSERT INTO payouts (id, batch_id, creator_id, payout_account_id, amount, currency, state,
                         last_entry_id, created_at)
    SELECT gen_random_uuid(), b.id, a.creator_id, a.id, 50000, 'CZK', 'paid', 1,
           now() - make_interval(days => (row_number() OVER ())::int)
    FROM payout_batches b CROSS JOIN payout_accounts a;
    ANALYZE
"""


@pytest.fixture
async def seeded(payments_resources: Resources) -> AsyncIterator[AsyncSession]:
    async with payments_resources.sessions() as session, session.begin():
        for statement in SEED.split(";\n"):
            if statement.strip():
                await session.execute(text(statement))
    async with payments_resources.sessions() as session:
        yield session


async def busiest_creator(session: AsyncSession) -> object:
    return (
        await session.execute(
            text(
                "SELECT creator_id FROM ledger_transactions GROUP BY creator_id "
                "ORDER BY count(*) DESC LIMIT 1"
            )
        )
    ).scalar_one()


async def test_a_creators_earnings_page_reads_a_page(seeded: AsyncSession) -> None:
    creator = await busiest_creator(seeded)  # 30,000 entries on its account
    created_at, entry_id = (
        await seeded.execute(
            text(
                "SELECT created_at, id FROM ledger_entries WHERE creator_id = :c "
                "AND account = 'creator' ORDER BY created_at DESC, id DESC OFFSET 15000 LIMIT 1"
            ),
            {"c": creator},
        )
    ).one()
    query = creator_entries_query(creator, LedgerAccount.CREATOR, (created_at, entry_id), PAGE)  # type: ignore[arg-type]
    assert_reads_a_page(await explain(seeded, query), "ix_ledger_entries_creator_account")


async def test_the_operators_account_ledger_reads_a_page(seeded: AsyncSession) -> None:
    middle = (
        await seeded.execute(
            text(
                "SELECT id FROM ledger_entries WHERE account = 'vat_payable' "
                "ORDER BY id DESC OFFSET 300 LIMIT 1"
            )
        )
    ).scalar_one()
    query = account_entries_query(LedgerAccount.VAT_PAYABLE, middle, PAGE)
    assert_reads_a_page(await explain(seeded, query), "ix_ledger_entries_account_id")


async def test_a_creators_payouts_page_reads_a_page(seeded: AsyncSession) -> None:
    creator = await busiest_creator(seeded)
    query = creator_payouts_query(creator, None, PAGE)  # type: ignore[arg-type]
    assert_reads_a_page(await explain(seeded, query), "ix_payouts_creator_created")
