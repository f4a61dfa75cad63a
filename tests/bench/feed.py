"""``just bench feed``: goal P1 of issue 14 — the fan's home feed and a creator's page against a
bare FastAPI endpoint answering the same JSON, under the same uvicorn settings, with ``wrk``.

A database of its own (``pickey_bench_feed_<pid>``) is seeded by SQL: ``--creators`` creators
sharing ``--posts`` published text posts (every third members-only, so teasers are presented),
one fan following ``--sources`` of them, and one Redis session for that fan in a redis-server of
its own. Ours is ``pickey-api serve``; the baseline is :mod:`tests.bench.bare`, given the bodies
ours answered. Each round runs every path on ours, then on the bare server; the table shows
medians and min-max over rounds, CPU per request of the server process, and the ratio of
medians (ours / bare req/s) with the goal's verdict.

Run: ``python -m tests.bench.feed [--posts N] [--creators N] [--sources N] [--rounds N]
[--seconds S] [--connections C]``; the defaults are the issue's sizes. A quick run:
``--posts 20000 --rounds 2 --seconds 3``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import sys
import tempfile
import time
import urllib.request
import uuid
from dataclasses import dataclass, field

import asyncpg
from redis.asyncio import Redis

from pickey_core.sessions import SessionConfig, SessionStore
from tests.bench import harness

SEED = """
SET session_replication_role = replica;
INSERT INTO users (id, email, password_hash, display_name)
SELECT gen_random_uuid(), 'creator-' || n || '@example.cz', 'x', 'Creator ' || n
FROM generate_series(1, $1::int) AS n;
INSERT INTO creators (id, user_id, slug, display_name)
SELECT gen_random_uuid(), id, split_part(email, '@', 1), display_name FROM users;
CREATE TEMP TABLE numbered AS
SELECT id, row_number() OVER (ORDER BY slug) - 1 AS k FROM creators;
INSERT INTO posts (id, creator_id, kind, status, access, title, body, min_tier_price,
                   published_at, media_ready, created_at, updated_at)
SELECT gen_random_uuid(), numbered.id, 'text', 'published',
       CASE WHEN n % 3 = 0 THEN 'members' ELSE 'public' END,
       'Post ' || n, 'A few words about dogs, number ' || n,
       CASE WHEN n % 3 = 0 THEN 5900 END,
       now() - make_interval(secs => n), true, now() - make_interval(secs => n), now()
FROM generate_series(1, $2::int) AS n
JOIN numbered ON numbered.k = n % $1::int;
INSERT INTO users (id, email, password_hash, display_name, email_verified_at)
VALUES ($3::uuid, 'fan@example.cz', 'x', 'Fan', now());
INSERT INTO follows (follower_id, creator_id, created_at)
SELECT $3::uuid, id, now() FROM numbered WHERE k < $4::int;
SET session_replication_role = origin;
"""

PATHS = {
    "feed (fan)": ("/api/v1/feed", True),
    "creator page (fan)": ("/api/v1/creators/creator-1/posts", True),
    "creator page (anonymous)": ("/api/v1/creators/creator-1/posts", False),
}
GOALS = {"feed (fan)": 0.5, "creator page (fan)": 0.5, "creator page (anonymous)": 0.7}
P99_GOAL_MS = 25.0


async def seed(url: str, redis_url: str, args: argparse.Namespace) -> str:
    """Seed the database; return the fan's session cookie value."""
    fan_id = uuid.uuid4()
    connection = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        # Our own numbers and a uuid: written into the script (a multi-statement script takes
        # no parameters).
        values = [str(args.creators), str(args.posts), f"'{fan_id}'", str(args.sources)]
        await connection.execute(re.sub(r"\$(\d)", lambda m: values[int(m[1]) - 1], SEED))
        await connection.execute("ANALYZE")
    finally:
        await connection.close()
    redis = Redis.from_url(redis_url)
    try:
        session_id, _ = await SessionStore(redis, SessionConfig()).create(fan_id)
    finally:
        await redis.aclose()
    return session_id


@dataclass
class Figures:
    rps: harness.Series = field(default_factory=harness.Series)
    p50: harness.Series = field(default_factory=harness.Series)
    p99: harness.Series = field(default_factory=harness.Series)
    cpu: harness.Series = field(default_factory=harness.Series)
    failed: int = 0

    def add(self, result: harness.WrkResult) -> None:
        self.rps.values.append(result.requests_per_second)
        self.p50.values.append(result.p50_ms)
        self.p99.values.append(result.p99_ms)
        self.cpu.values.append(result.cpu_ms_per_request)
        self.failed += result.failed


def _get(url: str, cookie: str | None) -> bytes:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as response:
        body: bytes = response.read()
        return body


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--creators", type=int, default=1_000)
    parser.add_argument("--sources", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument(
        "--profile",
        metavar="PREFIX",
        help="py-spy record ours during its first run of each path: PREFIX-<n>.txt (collapsed)",
    )
    parser.add_argument("--only", choices=list(PATHS), action="append", help="paths to run")
    args = parser.parse_args()
    paths = {name: PATHS[name] for name in (args.only or PATHS)}

    with harness.bench_database("feed") as url, harness.bench_redis() as redis_url:
        started = time.perf_counter()
        session_id = asyncio.run(seed(url, redis_url, args))
        print(f"seeded {args.posts:,} posts of {args.creators:,} creators, a fan following "
              f"{args.sources} in {time.perf_counter() - started:.1f} s")  # fmt: skip
        cookie = f"{SessionConfig().cookie_name}={session_id}"
        ours_port, bare_port = harness.free_port(), harness.free_port()
        env = {
            **os.environ,
            "PICKEY_DATABASE_URL": url,
            "PICKEY_REDIS_URL": redis_url,
            "PICKEY_PORT": str(ours_port),
            "PICKEY_LOG_LEVEL": "WARNING",
        }
        ours_argv = [sys.executable, "-m", "pickey_api", "serve"]
        figures = {(name, side): Figures() for name in paths for side in ("ours", "bare")}
        with harness.server(ours_argv, ours_port, env) as ours_pid:
            answers = {}
            for path, logged_in in paths.values():
                body = _get(f"http://127.0.0.1:{ours_port}{path}", cookie if logged_in else None)
                answers[path] = json.loads(body)
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as file:
                json.dump(answers, file)
            bare_argv = [sys.executable, "-m", "tests.bench.bare", str(bare_port), file.name]
            with harness.server(bare_argv, bare_port, env) as bare_pid:
                for round_number in range(args.rounds):
                    for name, (path, logged_in) in paths.items():
                        headers = [f"Cookie: {cookie}"] if logged_in else []
                        for side, port, pid in (
                            ("ours", ours_port, ours_pid),
                            ("bare", bare_port, bare_pid),
                        ):
                            profiling = (
                                harness.py_spy(
                                    ours_pid,
                                    f"{args.profile}-{list(paths).index(name)}.txt",
                                    args.seconds,
                                )
                                if args.profile and side == "ours" and round_number == 0
                                else None
                            )
                            result = harness.wrk(
                                f"http://127.0.0.1:{port}{path}",
                                pid,
                                seconds=args.seconds,
                                connections=args.connections,
                                headers=headers,
                            )
                            figures[name, side].add(result)
                            if profiling is not None:
                                profiling.wait()
                    print(f"round {round_number + 1}/{args.rounds} done", flush=True)
            os.unlink(file.name)

    rows = []
    for name in paths:
        ours, bare = figures[name, "ours"], figures[name, "bare"]
        ratio = ours.rps.median / bare.rps.median
        met = ratio >= GOALS[name] and (
            name == "creator page (anonymous)" or ours.p99.median <= P99_GOAL_MS
        )
        rows.append([
            name, ours.rps.show(), bare.rps.show(), ours.p50.show(1), ours.p99.show(1),
            bare.p99.show(1), ours.cpu.show(2), bare.cpu.show(2), f"{ratio:.3f}",
            str(ours.failed), f">= {GOALS[name]}", harness.verdict(met and ours.failed == 0),
        ])  # fmt: skip
    print(f"\n{args.connections} connections, {args.rounds} rounds of {args.seconds:g} s each, "
          f"{args.posts:,} posts, {args.sources} sources")  # fmt: skip
    harness.print_table(
        [
            "path",
            "ours req/s",
            "bare req/s",
            "ours p50 ms",
            "ours p99 ms",
            "bare p99 ms",
            "ours CPU ms/req",
            "bare CPU ms/req",
            "ratio",
            "ours failed",
            "goal P1",
            "verdict",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
