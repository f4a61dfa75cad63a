"""Reading PostgreSQL's executed plans (``EXPLAIN (ANALYZE, FORMAT JSON)``) in tests that prove a
query reads O(page) rows from its index, whatever the table size: the database is across a
network, and one unindexed filter once read billions of rows.

The seed fragments fill the tables every plan test starts from (many users, a few of them
creators) in one statement each, so a plan test writes only the rows its query is about."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import asyncpg
from sqlalchemy import Select
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncSession

PAGE = 20


def nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every node of a plan tree, the root first."""
    yield plan
    for child in plan.get("Plans", []):
        yield from nodes(child)


def assert_reads_a_page(plan: list[dict[str, Any]], index: str, max_rows: int = PAGE + 1) -> None:
    """No sequential scan, ``index`` used, and no node reads (returns or filters out) more than
    ``max_rows`` rows (a page and the one row that tells whether another page follows)."""
    summary = [(node["Node Type"], node.get("Index Name")) for node in plan]
    assert "Seq Scan" not in {kind for kind, _ in summary}, summary
    assert index in {name for _, name in summary}, f"{index} not used: {summary}"
    for node in plan:
        read = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
        assert read <= max_rows, (node["Node Type"], node.get("Index Name"), read)


async def plan_of(
    connection: asyncpg.Connection, query: str, *args: object
) -> list[dict[str, Any]]:
    """The executed plan of ``query`` (plain SQL) as a list of nodes, the root first."""
    raw = await connection.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {query}", *args)
    return list(nodes(json.loads(raw)[0]["Plan"]))


async def explain(session: AsyncSession, query: Select[Any]) -> list[dict[str, Any]]:
    """The executed plan of ``query`` exactly as SQLAlchemy sends it (ANALYZE runs it; its row
    locks are released by the rollback)."""
    connection = await session.connection()
    compiled = query.compile(
        dialect=connection.dialect, compile_kwargs={"render_postcompile": True}
    )
    params = [compiled.params[name] for name in compiled.positiontup or []]
    driver = (await connection.get_raw_connection()).driver_connection
    assert driver is not None
    raw = await driver.fetchval(f"EXPLAIN (ANALYZE, FORMAT JSON) {compiled}", *params)
    await session.rollback()
    plan = raw if isinstance(raw, list) else json.loads(raw)
    return list(nodes(plan[0]["Plan"]))


def literal_sql(query: object) -> str:
    """A repository's SQLAlchemy query as plain SQL with its values inlined, for ``plan_of``."""
    return str(
        query.compile(  # type: ignore[attr-defined]
            dialect=postgresql.asyncpg.dialect(),  # type: ignore[no-untyped-call]
            compile_kwargs={"literal_binds": True},
        )
    )


def users_sql(count: int, prefix: str = "user") -> str:
    """``count`` users named ``<prefix><n>@example.cz``."""
    return f"""
        INSERT INTO users (id, email, password_hash, display_name)
        SELECT gen_random_uuid(), '{prefix}' || n || '@example.cz', 'x', 'User ' || n
        FROM generate_series(1, {count}) AS n;
    """


def creators_sql(count: int) -> str:
    """The first ``count`` users by email become creators ``creator-1``, ``creator-2``..."""
    return f"""
        INSERT INTO creators (id, user_id, slug, display_name)
        SELECT gen_random_uuid(), id, 'creator-' || row_number() OVER (), 'Creator'
        FROM (SELECT id FROM users ORDER BY email LIMIT {count}) AS u;
    """
