"""``just bench feed-scale``: goal P2 of issue 14 — the fan's home feed must not slow down as the
posts table grows, and must read O(page) rows for a fan with many sources.

Two databases are seeded as in :mod:`tests.bench.feed` (``--sizes``, default 10,000 and
1,000,000 posts over ``--creators`` creators; the fan follows ``--sources``), each served by its
own ``pickey-api serve``; the feed is measured on them alternately with ``wrk``. Then, on the
largest, a second fan follows ``--wide-sources`` creators and the home-feed statement for them
runs under ``EXPLAIN (ANALYZE, BUFFERS)``: the rows and index entries it took from ``posts``
(over every loop) against the goal of 3 x the page size.

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
from typing import Any

import asyncpg
from sqlalchemy.dialects import postgresql

from pickey_api.feeds.repository import home_feed_query
from pickey_core.sessions import SessionConfig
from tests.bench import harness
from tests.bench.feed import seed

PAGE = 20
RATIO_GOAL = 1.3
ROWS_GOAL_PAGES = 3


async def _wide_fan(url: str, sources: int) -> uuid.UUID:
    """A second fan following ``sources`` creators (the first ones by slug)."""
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
    return fan_id


def _nodes(plan: dict[str, Any]) -> list[dict[str, Any]]:
    found = [plan]
    for child in plan.get("Plans", []):
        found += _nodes(child)
    return found


async def _posts_read(url: str, fan_id: uuid.UUID) -> tuple[int, int]:
    """(rows and index entries read from ``posts`` over every loop, shared buffers hit+read)
    by the home-feed statement of this fan, first page."""
    prebuilt, parameters = home_feed_query(fan_id, None, PAGE)
    statement = prebuilt.params(**parameters)
    dialect = postgresql.dialect()  # type: ignore[no-untyped-call]
    sql = str(statement.compile(dialect=dialect, compile_kwargs={"literal_binds": True}))
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        raw = await connection.fetchval(f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}")
    finally:
        await connection.close()
    plan = json.loads(raw)[0]["Plan"]
    rows = sum(
        (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
        for node in _nodes(plan)
        if node.get("Relation Name") == "posts"
    )
    buffers = plan.get("Shared Hit Blocks", 0) + plan.get("Shared Read Blocks", 0)
    return rows, buffers


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
        wide_fan = asyncio.run(_wide_fan(urls[largest], args.wide_sources))
        rows, buffers = asyncio.run(_posts_read(urls[largest], wide_fan))

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
        f"home-feed statement, fan with {args.wide_sources} sources, {largest:,} posts, "
        f"page {PAGE}: {rows:,} rows/index entries of posts read, {buffers:,} buffers"
    )
    print()
    print(
        f"goal P2 feed latency {largest:,} / {smallest:,} posts: "
        f"{harness.verdict(ratio <= RATIO_GOAL and failed == 0)} — p50 ratio {ratio:.2f} "
        f"(goal <= {RATIO_GOAL:g}), {failed} failed requests"
    )
    limit = ROWS_GOAL_PAGES * PAGE
    print(
        f"goal P2 feed rows read ({args.wide_sources} sources): "
        f"{harness.verdict(rows <= limit)} — {rows:,} rows/index entries "
        f"(goal <= {limit} = {ROWS_GOAL_PAGES} x page {PAGE})"
    )


if __name__ == "__main__":
    main()
