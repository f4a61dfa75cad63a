"""``just bench payouts``: the monthly payout run over 10,000 creators and 1,000,000 ledger
entries, set-based (the production code) against a naive loop of one creator at a time.

Everything runs in a fresh PostgreSQL database of its own (``pickey_bench_payouts_<pid>`` on the
server of ``PICKEY_TEST_DATABASE_URL``, default ``postgres@127.0.0.1:5432``), migrated to head
and dropped afterwards. The seed (SQL, balanced pairs: gateway clearing → creator) gives every
creator a payout account and ``entries / 2 / creators`` payments spread over the last 60 days,
so most of each balance is available and some is still held.

Both runs start from the same seeded state, in their own transaction, at the same ``now``:

* **baseline**: for each creator, read their balances (``ledger.service.balances``), and for
  each currency over the minimum insert the payout, take a statement number and book its ledger
  transaction — what a straightforward implementation does; then it is rolled back;
* **set-based**: ``payouts.service.run`` (a handful of statements whatever the number of
  creators), then committed (the commit runs the balance check of every new transaction).

Printed: seconds and SQL statements of each (statements counted by a SQLAlchemy
``before_cursor_execute`` listener), payouts created, and the ratios baseline / set-based.

Run: ``python -m tests.bench.payouts [--creators N] [--entries M]``.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import asyncpg
from alembic import command
from sqlalchemy import event, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from pickey_core.document_numbers import SELF_BILLING_SERIES, next_document_number
from pickey_core.migrations import alembic_config
from pickey_core.models import (
    LedgerAccount,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutBatchState,
    TransactionKind,
)
from pickey_payments.ledger import repository as ledger_repository
from pickey_payments.ledger import service as ledger
from pickey_payments.ledger.config import MoneyConfig
from pickey_payments.ledger.repository import Line
from pickey_payments.payouts import service as payouts

ADMIN_URL = os.environ.get(
    "PICKEY_TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
MONEY = MoneyConfig(payout_debtor_iban="CZ6508000000192000145399", payout_debtor_name="Pickey")
NOW = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)

SEED = """
    SET LOCAL session_replication_role = replica;
    INSERT INTO users (id, email, password_hash, display_name)
    SELECT gen_random_uuid(), 'creator' || n || '@example.cz', 'x', 'Creator'
    FROM generate_series(1, :creators) AS n;
    INSERT INTO creators (id, user_id, slug, display_name)
    SELECT gen_random_uuid(), id, 'c-' || id, 'Creator' FROM users;
    INSERT INTO payout_accounts (id, creator_id, iban, holder_name, created_at)
    SELECT gen_random_uuid(), id, 'CZ7908000000002000145399', 'Creator', now() FROM creators;
    CREATE TEMP TABLE numbered AS
    SELECT id, row_number() OVER (ORDER BY id) - 1 AS k FROM creators;
    INSERT INTO ledger_transactions (id, key, kind, creator_id, created_at)
    SELECT gen_random_uuid(), 'seed:' || n, 'payment', numbered.id,
           CAST(:now AS timestamptz) - make_interval(mins => ((n::bigint * 7919) % 86400)::int)
    FROM generate_series(0, :transactions - 1) AS n
    JOIN numbered ON numbered.k = n % :creators;
    INSERT INTO ledger_entries (transaction_id, account, creator_id, type, amount, currency,
                                created_at)
    SELECT t.id, moves.account, t.creator_id, 'payment', moves.sign * 7364, 'CZK', t.created_at
    FROM ledger_transactions AS t
    CROSS JOIN (VALUES ('gateway_clearing', -1), ('creator', 1)) AS moves (account, sign);
    ANALYZE
"""


@dataclass(frozen=True)
class Measured:
    name: str
    seconds: float
    statements: int
    payouts: int


class StatementCounter:
    def __init__(self, engine: Any) -> None:
        self.count = 0
        event.listen(engine.sync_engine, "before_cursor_execute", self._count)

    def _count(self, *args: Any) -> None:
        self.count += 1


async def create_database(name: str) -> str:
    connection = await asyncpg.connect(ADMIN_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return make_url(ADMIN_URL).set(database=name).render_as_string(hide_password=False)


async def drop_database(name: str) -> None:
    connection = await asyncpg.connect(ADMIN_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def seed(sessions: async_sessionmaker[AsyncSession], creators: int, entries: int) -> None:
    from sqlalchemy import text

    params = {"creators": creators, "transactions": entries // 2, "now": NOW}
    async with sessions() as session, session.begin():
        for statement in SEED.split(";\n"):
            if statement.strip():
                await session.execute(text(statement), params)


async def naive_run(session: AsyncSession) -> int:
    """One creator at a time: balances, then payout, number and ledger transaction each."""
    batch = PayoutBatch(period="2026-11", state=PayoutBatchState.CREATED)
    session.add(batch)
    await session.flush()
    made = 0
    accounts = (await session.scalars(select(PayoutAccount))).all()
    for account in accounts:
        for balance in await ledger.balances(session, account.creator_id, MONEY, NOW):
            if balance.available < MONEY.minimum_payout(balance.currency):
                continue
            number = await next_document_number(session, SELF_BILLING_SERIES, NOW.year)
            payout = Payout(
                batch_id=batch.id,
                creator_id=account.creator_id,
                payout_account_id=account.id,
                amount=balance.available,
                currency=balance.currency,
                state=PayoutBatchState.CREATED,
                statement_number=number,
                last_entry_id=0,
            )
            session.add(payout)
            await session.flush()
            await ledger_repository.book(
                session,
                key=f"payout:{payout.id}",
                kind=TransactionKind.PAYOUT,
                currency=balance.currency,
                lines=[
                    Line(LedgerAccount.CREATOR, ledger.T.PAYOUT, -balance.available),
                    Line(LedgerAccount.PAYOUTS_IN_TRANSIT, ledger.T.PAYOUT, balance.available),
                ],
                now=NOW,
                creator_id=account.creator_id,
                payout_id=payout.id,
            )
            made += 1
    return made


async def measure(creators: int, entries: int) -> tuple[Measured, Measured]:
    name = f"pickey_bench_payouts_{os.getpid()}"
    url = await create_database(name)
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
        engine = create_async_engine(url)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        started = time.perf_counter()
        await seed(sessions, creators, entries)
        print(f"seeded {creators:,} creators, {entries:,} entries in "
              f"{time.perf_counter() - started:.1f} s")  # fmt: skip
        counter = StatementCounter(engine)

        async with sessions() as session:
            counter.count, started = 0, time.perf_counter()
            made = await naive_run(session)
            baseline = Measured("naive loop", time.perf_counter() - started, counter.count, made)
            await session.rollback()

        async with sessions() as session:
            counter.count, started = 0, time.perf_counter()
            result = await payouts.run(session, MONEY, NOW)
            await session.commit()
            made = result.payouts if result else 0
            fast = Measured("set-based run", time.perf_counter() - started, counter.count, made)
        await engine.dispose()
        return baseline, fast
    finally:
        await drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--creators", type=int, default=10_000)
    parser.add_argument("--entries", type=int, default=1_000_000)
    args = parser.parse_args()
    baseline, fast = asyncio.run(measure(args.creators, args.entries))
    for run in (baseline, fast):
        print(f"{run.name:>14}: {run.seconds:8.2f} s  {run.statements:7,} SQL statements  "
              f"{run.payouts:,} payouts")  # fmt: skip
    print(f"ratio (naive / set-based): time x{baseline.seconds / fast.seconds:.1f}, "
          f"statements x{baseline.statements / max(1, fast.statements):.0f}")  # fmt: skip


if __name__ == "__main__":
    main()
