"""``just bench feed-scale``: goal P2 of issue 14 — the fan's home feed must not slow down as the
posts table grows, and must read O(page) rows for a fan with many sources.

Two databases are seeded as in :mod:`tests.bench.feed` (``--sizes``, default 10,000 and
1,000,000 posts over ``--creators`` creators; the fan follows ``--sources``), each served by its
own ``pickey-api serve``; the feed is measured on them alternately with ``wrk``. Then, on the
largest, a second fan follows ``--wide-sources`` creators and opens the feed twice through the
api (the first read remembers the page in Redis); the feed's statement then runs under
``EXPLAIN (ANALYZE, BUFFERS)`` as the api ran it each time: the rows and index entries it took
from ``posts`` (over every loop) on the repeated read, against the goal of 3 x the page size,
and what the first read and the other tables cost beside it.

Run: ``python -m tests.bench.feed_scale [--sizes 10000,1000000] [--rounds N] [--seconds S]
[--connections C] [--wide-sources N]``. A quick run: ``--rounds 2 --seconds 3``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import sys
import uuid
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
from redis.asyncio import Redis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine

from pickey_api.feeds.cache import FirstPages
from pickey_api.feeds.repository import home_first_page_with_reads
from pickey_core.sessions import SessionConfig, SessionStore
from tests.bench import harness
from tests.bench.feed import seed

PAGE = 20
RATIO_GOAL = 1.3
ROWS_GOAL_PAGES = 3


async def _wide_fan(url: str, redis_url: str, sources: int) -> tuple[uuid.UUID, str]:
    """A second fan following ``sources`` creators (the first ones by slug), and their session."""
    fan_id = uuid.uuid4()
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await connection.execute(
            "INSERT INTO users (id, email, password_hash, display_name, email_verified_at) "
            "VALUES ($1, 'wide-fan@example.cz', 'x', 'Wide fan', now())",
            fan_id,
        )
        await connection.execute(
            "INSERT INTO follows (follower_id, creator_id, created_at) "
            "SELECT $1, id, now() FROM creators ORDER BY slug LIMIT $2",
            fan_id,
            sources,
        )
        await connection.execute("ANALYZE follows")
    finally:
        await connection.close()
    redis = Redis.from_url(redis_url)
    try:
        session_id, _ = await SessionStore(redis, SessionConfig()).create(fan_id)
    finally:
        await redis.aclose()
    return fan_id, session_id


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


@dataclass
class Reads:
    """Rows and index entries a statement took from each table (over every loop)."""

    by_table: dict[str, int]
    buffers: int

    @property
    def posts(self) -> int:
        return self.by_table.get("posts", 0)

    def of(self, *tables: str) -> int:
        return sum(self.by_table.get(table, 0) for table in tables)


async def _reads(url: str, redis_url: str, fan_id: uuid.UUID, remembered: bool) -> Reads:
    """What the feed's statement reads for this fan's first page, run under ``EXPLAIN (ANALYZE,
    BUFFERS)`` exactly as the api runs it: with the page the api remembered in Redis (a repeated
    read) or without (a first read)."""
    redis = Redis.from_url(redis_url)
    try:
        cached = await FirstPages(redis, 60).get(fan_id, PAGE) if remembered else None
    finally:
        await redis.aclose()
    if remembered and cached is None:
        raise SystemExit("the api remembered no first page for the wide fan")
    statement, parameters = home_first_page_with_reads(fan_id, PAGE, cached)
    engine = create_async_engine(url)
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, sql: str, values: Any, *_: Any) -> None:
        captured.append((sql, values))

    event.listen(engine.sync_engine, "before_cursor_execute", capture)
    try:
        async with engine.connect() as connection:
            await connection.execute(statement.statement, parameters)
            sql, values = captured[-1]
            explained = await connection.exec_driver_sql(
                f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", values
            )
            raw = explained.scalar()
    finally:
        await engine.dispose()
    document: Any = json.loads(raw) if isinstance(raw, str) else raw
    plan = document[0]["Plan"]
    by_table: dict[str, int] = {}
    for node in _nodes(plan):
        if "Relation Name" in node:
            per_loop = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            name = node["Relation Name"]
            by_table[name] = by_table.get(name, 0) + per_loop * node["Actual Loops"]
    buffers = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    return Reads(by_table, buffers)


async def _feed_twice(port: int, session_id: str) -> None:
    """The wide fan opens the feed twice through the api: the first read remembers the page."""
    cookies = {SessionConfig().cookie_name: session_id}
    async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", cookies=cookies) as client:
        for _ in range(2):
            response = await client.get("/api/v1/feed", params={"limit": PAGE})
            response.raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,1000000")
    parser.add_argument("--creators", type=int, default=1_000)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--wide-sources", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=64)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]

    figures = {size: harness.Figures() for size in sizes}
    with contextlib.ExitStack() as stack:
        redis_url = stack.enter_context(harness.bench_redis())
        servers: dict[int, tuple[int, int]] = {}
        cookies: dict[int, str] = {}
        urls: dict[int, str] = {}
        for size in sizes:
            url = stack.enter_context(harness.bench_database(f"feed_scale_{size}"))
            urls[size] = url
            seeding = argparse.Namespace(creators=args.creators, posts=size, sources=args.sources)
            session_id = asyncio.run(seed(url, redis_url, seeding))
            cookies[size] = f"{SessionConfig().cookie_name}={session_id}"
            port = harness.free_port()
            env = harness.service_env(url, redis_url, port)
            argv = [sys.executable, "-m", "pickey_api", "serve"]
            servers[size] = (port, stack.enter_context(harness.server(argv, port, env)))
            print(f"seeded {size:,} posts", flush=True)
        for round_number in range(args.rounds):
            for size in sizes:
                port, pid = servers[size]
                figures[size].add(
                    harness.wrk(
                        f"http://127.0.0.1:{port}/api/v1/feed",
                        pid,
                        seconds=args.seconds,
                        connections=args.connections,
                        headers=[f"Cookie: {cookies[size]}"],
                    )
                )
            print(f"round {round_number + 1}/{args.rounds} done", flush=True)
        largest = max(sizes)
        wide_fan, wide_session = asyncio.run(_wide_fan(urls[largest], redis_url, args.wide_sources))
        asyncio.run(_feed_twice(servers[largest][0], wide_session))
        first = asyncio.run(_reads(urls[largest], redis_url, wide_fan, remembered=False))
        again = asyncio.run(_reads(urls[largest], redis_url, wide_fan, remembered=True))

    print(f"\nfeed (fan, {args.sources} sources), {args.connections} connections, "
          f"{args.rounds} rounds of {args.seconds:g} s each")  # fmt: skip
    harness.print_table(
        ["posts", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "failed"],
        [
            [f"{size:,}", f.rps.show(), f.p50.show(1), f.p99.show(1), f.cpu.show(2), str(f.failed)]
            for size, f in figures.items()
        ],
    )
    smallest = min(sizes)
    ratio = figures[largest].p50.median / figures[smallest].p50.median
    failed = sum(f.failed for f in figures.values())
    print(
        f"\nthe feed's statement for a fan with {args.wide_sources} sources, {largest:,} posts, "
        f"page {PAGE}: rows and index entries read (the page's facts included)"
    )
    harness.print_table(
        ["read", "posts", "follows + memberships", "creators", "other", "buffers"],
        [
            [name, f"{r.posts:,}", f"{r.of('follows', 'memberships'):,}", f"{r.of('creators'):,}",
             f"{sum(r.by_table.values()) - r.of('posts', 'follows', 'memberships', 'creators'):,}",
             f"{r.buffers:,}"]
            for name, r in (("first (fan-in)", first), ("repeated (remembered)", again))
        ],
    )  # fmt: skip
    print()
    print(
        f"goal P2 feed latency {largest:,} / {smallest:,} posts: "
        f"{harness.verdict(ratio <= RATIO_GOAL and failed == 0)} — p50 ratio {ratio:.2f} "
        f"(goal <= {RATIO_GOAL:g}), {failed} failed requests"
    )
    limit = ROWS_GOAL_PAGES * PAGE
    print(
        f"goal P2 feed rows read ({args.wide_sources} sources): "
        f"{harness.verdict(again.posts <= limit)} — {again.posts:,} rows/index entries of posts "
        f"on a repeated read, {first.posts:,} on the first (goal <= {limit} = "
        f"{ROWS_GOAL_PAGES} x page {PAGE})"
    )


if __name__ == "__main__":
    main()
