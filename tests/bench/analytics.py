"""``just bench analytics``: the creator's dashboard at 100,000 members, read from the monthly
rows (the production code) against a naive aggregate over the raw history and ledger.

Everything runs in a fresh PostgreSQL database of its own (``pickey_bench_analytics_<pid>`` on
the server of ``PICKEY_TEST_DATABASE_URL``), migrated to head and dropped afterwards. The seed
(SQL) gives one creator ``--members`` members over 24 months (2025-01 to 2026-12): each joins in
some month, renews 0 to 4 times (a payment and a ledger booking each), and one in four cancels and
lapses; plus the membership history of all of it. The analytics job's code
(``pickey_payments.analytics.service``) then writes the monthly rows, as the worker would.

Measured for the 24 months (the median of several runs, after a warm-up):

* **dashboard**: ``pickey_api.analytics.service.dashboard`` — three primary-key range reads;
* **naive**: per month, the same figures aggregated from ``membership_events`` (every event of
  the creator up to the month's end, for members at the start and MRR) and the ledger (the
  month's bookings joined to their payments).

Rows read: the sum, over the scan nodes of each query's ``EXPLAIN ANALYZE``, of rows returned
and rows removed by filters. The two results are compared figure by figure.

Run: ``python -m tests.bench.analytics [--members N]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from alembic import command
from sqlalchemy import Select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from pickey_api.analytics import repository as dashboard_repository
from pickey_api.analytics import service as dashboard
from pickey_core.migrations import alembic_config
from pickey_payments.analytics import service as analytics
from pickey_payments.analytics.months import bounds, next_month
from tests.bench.payouts import create_database, drop_database

FIRST, LAST = date(2025, 1, 1), date(2026, 12, 1)
NOW = datetime(2027, 1, 15, tzinfo=UTC)
RUNS = 5

SEED = """
    SET LOCAL session_replication_role = replica;
    INSERT INTO users (id, email, password_hash, display_name)
    SELECT gen_random_uuid(), 'fan' || n || '@example.cz', 'x', 'Fan ' || n
    FROM generate_series(0, :members) AS n;
    INSERT INTO creators (id, user_id, slug, display_name)
    SELECT gen_random_uuid(), id, 'gordikey', 'Gordíkey' FROM users
    WHERE email = 'fan0@example.cz';
    INSERT INTO tiers (id, creator_id, name, price_amount, currency, position)
    SELECT gen_random_uuid(), c.id, 'Tier ' || p, (ARRAY[5900, 9900, 19900])[p], 'CZK', p
    FROM creators c, generate_series(1, 3) AS p;
    CREATE TEMP TABLE fans AS
    SELECT u.id AS fan_id, n::int AS n, (n % 24)::int AS joined, (n % 5)::int AS renewals,
           n % 4 = 0 AS leaves,
           t.id AS tier_id, t.price_amount AS price, t.creator_id,
           gen_random_uuid() AS membership_id
    FROM (SELECT id, row_number() OVER (ORDER BY email) AS n FROM users
          WHERE email <> 'fan0@example.cz') AS u
    JOIN tiers t ON t.position = 1 + u.n % 3;
    INSERT INTO memberships (id, fan_id, creator_id, tier_id, status, created_at)
    SELECT membership_id, fan_id, creator_id, tier_id,
           CASE WHEN leaves THEN 'lapsed' ELSE 'active' END,
           timestamptz '2025-01-01 00:00Z' + make_interval(months => joined, days => n % 28)
    FROM fans;
    CREATE TEMP TABLE charges AS
    SELECT f.*, k, gen_random_uuid() AS payment_id,
           timestamptz '2025-01-01 00:00Z'
             + make_interval(months => f.joined + k, days => f.n % 28, secs => f.n % 3600) AS at
    FROM fans f, generate_series(0, f.renewals) AS k
    WHERE f.joined + k < 24;
    INSERT INTO payments (id, kind, state, fan_id, creator_id, membership_id, tier_id, amount,
                          currency, paid_at, created_at, updated_at)
    SELECT payment_id, CASE WHEN k = 0 THEN 'membership' ELSE 'renewal' END, 'paid', fan_id,
           creator_id, membership_id, tier_id, price, 'CZK', at, at, at
    FROM charges;
    INSERT INTO ledger_transactions (id, key, kind, payment_id, creator_id, created_at)
    SELECT gen_random_uuid(), 'payment:' || payment_id, 'payment', payment_id, creator_id, at
    FROM charges;
    INSERT INTO ledger_entries (transaction_id, account, creator_id, type, amount, currency,
                                created_at)
    SELECT t.id, moves.account, t.creator_id, 'payment', moves.sign * c.price, 'CZK', t.created_at
    FROM ledger_transactions t JOIN charges c ON c.payment_id = t.payment_id
    CROSS JOIN (VALUES ('gateway_clearing', -1), ('creator', 1)) AS moves (account, sign);
    INSERT INTO membership_events (membership_id, creator_id, fan_id, tier_id, kind,
                                   monthly_amount, mrr_delta, currency, occurred_at)
    SELECT membership_id, creator_id, fan_id, tier_id,
           CASE WHEN k = 0 THEN 'started' ELSE 'renewed' END, price,
           CASE WHEN k = 0 THEN price ELSE 0 END, 'CZK', at
    FROM charges;
    INSERT INTO membership_events (membership_id, creator_id, fan_id, tier_id, kind,
                                   monthly_amount, mrr_delta, currency, reason, occurred_at)
    SELECT membership_id, creator_id, fan_id, tier_id, 'cancelled', price, -price, 'CZK',
           (ARRAY['too_expensive', 'not_enough_content', 'other'])[1 + n % 3],
           max(at) + interval '2 days'
    FROM charges WHERE leaves GROUP BY membership_id, creator_id, fan_id, tier_id, price, n
    HAVING max(at) + interval '2 days' < timestamptz '2027-01-01 00:00Z';
    INSERT INTO membership_events (membership_id, creator_id, fan_id, tier_id, kind,
                                   monthly_amount, mrr_delta, currency, occurred_at)
    SELECT membership_id, creator_id, fan_id, tier_id, 'lapsed', monthly_amount, 0, 'CZK',
           occurred_at + interval '20 days'
    FROM membership_events WHERE kind = 'cancelled'
      AND occurred_at + interval '20 days' < timestamptz '2027-01-01 00:00Z';
    ANALYZE
"""

NAIVE_MEMBERS = """
    SELECT
      count(*) FILTER (WHERE kind = 'started' AND occurred_at < :start)
        - count(*) FILTER (WHERE kind = 'lapsed' AND occurred_at < :start) AS active_start,
      count(*) FILTER (WHERE kind = 'started' AND occurred_at >= :start) AS new_members,
      count(*) FILTER (WHERE kind = 'lapsed' AND occurred_at >= :start) AS churned,
      coalesce(sum(mrr_delta), 0) AS mrr_end
    FROM membership_events WHERE creator_id = :creator AND occurred_at < :end
"""
NAIVE_MONEY = """
    SELECT p.kind, p.tier_id, sum(-e.amount) AS gross
    FROM ledger_transactions t
    JOIN ledger_entries e ON e.transaction_id = t.id
    JOIN payments p ON p.id = t.payment_id
    WHERE t.creator_id = :creator AND t.kind = 'payment' AND e.account = 'gateway_clearing'
      AND t.created_at >= :start AND t.created_at < :end
    GROUP BY p.kind, p.tier_id
"""
NAIVE_REASONS = """
    SELECT coalesce(reason, 'none'), count(*) FROM membership_events
    WHERE creator_id = :creator AND kind = 'cancelled'
      AND occurred_at >= :start AND occurred_at < :end
    GROUP BY 1
"""

SCANS = {"Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan"}


@dataclass(frozen=True)
class Measured:
    name: str
    seconds: float
    rows_read: int


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found.extend(_nodes(child))
    return found


async def rows_read(session: AsyncSession, sql: str, params: dict[str, Any]) -> int:
    raw = await session.scalar(text(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}"), params)
    plan = json.loads(raw) if isinstance(raw, str) else raw
    return sum(
        (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node.get("Actual Loops", 1)
        for node in _nodes(plan[0]["Plan"])
        if node["Node Type"] in SCANS
    )


def as_sql(query: Select[Any]) -> str:
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    return str(query.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))


def months() -> list[date]:
    found, month = [], FIRST
    while month <= LAST:
        found.append(month)
        month = next_month(month)
    return found


async def naive(session: AsyncSession, creator: uuid.UUID) -> dict[date, tuple[int, ...]]:
    figures: dict[date, tuple[int, ...]] = {}
    for month in months():
        start, end = bounds(month)
        params = {"creator": creator, "start": start, "end": end}
        members = (await session.execute(text(NAIVE_MEMBERS), params)).one()
        money = (await session.execute(text(NAIVE_MONEY), params)).all()
        await session.execute(text(NAIVE_REASONS), params)
        active_start, new, churned, mrr_end = (int(value) for value in members)
        revenue = sum(int(gross) for _, _, gross in money)
        figures[month] = (
            active_start,
            active_start + new - churned,
            new,
            churned,
            mrr_end,
            revenue,
        )
    return figures


async def naive_rows(session: AsyncSession, creator: uuid.UUID) -> int:
    total = 0
    for month in months():
        start, end = bounds(month)
        params = {"creator": creator, "start": start, "end": end}
        for sql in (NAIVE_MEMBERS, NAIVE_MONEY, NAIVE_REASONS):
            total += await rows_read(session, sql, params)
    return total


async def timed(run: Any) -> float:
    await run()  # warm-up
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        await run()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def measure(members: int) -> tuple[Measured, Measured, bool]:
    name = f"pickey_bench_analytics_{os.getpid()}"
    url = await create_database(name)
    try:
        await asyncio.to_thread(command.upgrade, alembic_config(url), "head")
        engine = create_async_engine(url)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            for statement in SEED.split(";\n"):
                if statement.strip():
                    await session.execute(text(statement), {"members": members})
        async with sessions() as session:
            counts = (
                await session.execute(
                    text(
                        "SELECT (SELECT count(*) FROM memberships), "
                        "(SELECT count(*) FROM membership_events), (SELECT count(*) FROM payments)"
                    )
                )
            ).one()
        print(f"seeded {counts[0]:,} members, {counts[1]:,} history events, {counts[2]:,} "
              f"payments in {time.perf_counter() - started:.1f} s")  # fmt: skip
        started = time.perf_counter()
        async with sessions() as session, session.begin():
            for month in await analytics.months_to_compute(session, NOW):
                await analytics.compute_month(session, month, NOW)
        print(f"analytics job (first run, every month): {time.perf_counter() - started:.1f} s")
        async with sessions() as session:
            creator = uuid.UUID(str(await session.scalar(text("SELECT id FROM creators"))))

            async def read_dashboard() -> None:
                await dashboard.dashboard(session, creator, FIRST, LAST)

            async def read_naive() -> None:
                await naive(session, creator)

            fast_rows = 0
            for query in (
                dashboard_repository.months_query(creator, FIRST, LAST),
                dashboard_repository.tier_revenue_query(creator, FIRST, LAST),
                dashboard_repository.cancellations_query(creator, FIRST, LAST),
            ):
                fast_rows += await rows_read(session, as_sql(query), {})
            fast = Measured("dashboard", await timed(read_dashboard), fast_rows)
            slow = Measured(
                "naive aggregate", await timed(read_naive), await naive_rows(session, creator)
            )
            shown = await dashboard.dashboard(session, creator, FIRST, LAST)
            expected = await naive(session, creator)
            agree = {
                row.month: (row.active_start, row.active_end, row.new_members, row.churned,
                            row.mrr_end, row.membership_revenue)
                for row in shown.months
            } == expected  # fmt: skip
        await engine.dispose()
        return fast, slow, agree
    finally:
        await drop_database(name)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=100_000)
    args = parser.parse_args()
    fast, slow, agree = asyncio.run(measure(args.members))
    for run in (slow, fast):
        print(f"{run.name:>16}: {run.seconds * 1000:9.2f} ms  {run.rows_read:10,} rows read "
              "(24 months)")  # fmt: skip
    print(f"ratio (naive / dashboard): time x{slow.seconds / fast.seconds:.0f}, "
          f"rows read x{slow.rows_read / max(1, fast.rows_read):.0f}")  # fmt: skip
    print(f"figures agree (members, churn, MRR, revenue, every month): {'yes' if agree else 'NO'}")
    if not agree:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
