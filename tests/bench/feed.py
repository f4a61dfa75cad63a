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
import re
import sys
import time
import urllib.request
import uuid
from dataclasses import dataclass, field

import asyncpg
from redis.asyncio import Redis
from sqlalchemy.engine import URL, make_url

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
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=1.0,
        help="delay added to each direction between the api and PostgreSQL for the round-trip "
        "goal (tests.bench.latency_proxy); 0 skips that measurement",
    )
    parser.add_argument(
        "--latency-connections",
        type=int,
        default=1,
        help="wrk connections for the latency measurement (1: one reader's latency, no queueing)",
    )
    args = parser.parse_args()
    paths = {name: PATHS[name] for name in (args.only or PATHS)}

    with harness.bench_database("feed") as url, harness.bench_redis() as redis_url:
        started = time.perf_counter()
        session_id = asyncio.run(seed(url, redis_url, args))
        print(f"seeded {args.posts:,} posts of {args.creators:,} creators, a fan following "
              f"{args.sources} in {time.perf_counter() - started:.1f} s")  # fmt: skip
        cookie = f"{SessionConfig().cookie_name}={session_id}"
        ours_port = harness.free_port()
        env = harness.service_env(url, redis_url, ours_port)
        ours_argv = [sys.executable, "-m", "pickey_api", "serve"]
        with harness.server(ours_argv, ours_port, env) as ours_pid:
            answers = {}
            for path, logged_in in paths.values():
                body = _get(f"http://127.0.0.1:{ours_port}{path}", cookie if logged_in else None)
                answers[path] = json.loads(body)
            requests = {
                name: harness.Request(path, (f"Cookie: {cookie}",) if logged_in else ())
                for name, (path, logged_in) in paths.items()
            }
            figures = harness.rounds_versus_bare(
                requests,
                answers,
                (ours_port, ours_pid),
                env,
                rounds=args.rounds,
                seconds=args.seconds,
                connections=args.connections,
                profile=args.profile,
            )
        latency = None
        if args.latency_ms > 0 and "feed (fan)" in paths:
            latency = measure_latency(args, env, cookie)

    rows: list[tuple[str, harness.Figures, harness.Figures, float, bool]] = []
    goals = []
    for name in paths:
        ours, bare = figures[name, "ours"], figures[name, "bare"]
        ratio = ours.rps.median / bare.rps.median
        met = ratio >= GOALS[name] and (
            name == "creator page (anonymous)" or ours.p99.median <= P99_GOAL_MS
        )
        rows.append((name, ours, bare, GOALS[name], met and ours.failed == 0))
        goals.append(
            f"goal P1 {name}: {harness.verdict(met and ours.failed == 0)} — {ratio:.2f}x bare, "
            f"p99 {ours.p99.median:.1f} ms"
        )
    print(f"\n{args.connections} connections, {args.rounds} rounds of {args.seconds:g} s each, "
          f"{args.posts:,} posts, {args.sources} sources")  # fmt: skip
    harness.print_versus_bare("P1", rows)

    if latency is not None:
        latency.print(args)
        goals.append(latency.goal(args))
    print()
    for line in goals:
        print(line)


LATENCY_P50_GOAL_MS = 10.0


@dataclass
class Latency:
    """The feed at low concurrency, straight to PostgreSQL and through the delaying proxy."""

    direct: harness.Figures = field(default_factory=harness.Figures)
    delayed: harness.Figures = field(default_factory=harness.Figures)
    round_trip_ms: dict[str, float] = field(default_factory=dict)  # SELECT 1, by path

    def print(self, args: argparse.Namespace) -> None:
        print(
            f"\nfeed (fan) with {args.latency_ms:g} ms added each way between the api and "
            f"PostgreSQL, {args.latency_connections} connection(s), {args.rounds} rounds"
        )
        print("one SELECT 1 round trip: " + ", ".join(
            f"{name} {ms:.2f} ms" for name, ms in self.round_trip_ms.items()
        ))  # fmt: skip
        harness.print_table(
            ["database", "req/s", "p50 ms", "p99 ms", "CPU ms/req", "failed"],
            [
                [name, f.rps.show(), f.p50.show(2), f.p99.show(2), f.cpu.show(2), str(f.failed)]
                for name, f in (("direct", self.direct), ("delayed", self.delayed))
            ],
        )

    def goal(self, args: argparse.Namespace) -> str:
        p50 = self.delayed.p50.median
        met = p50 <= LATENCY_P50_GOAL_MS and self.delayed.failed == 0
        return (
            f"goal round trips (feed p50, {args.latency_ms:g} ms each way to PostgreSQL): "
            f"{harness.verdict(met)} — p50 {p50:.2f} ms (goal <= {LATENCY_P50_GOAL_MS:g} ms), "
            f"{p50 - self.direct.p50.median:+.2f} ms over direct "
            f"at {args.latency_connections} connection(s)"
        )


async def _round_trip_ms(url: URL, times: int = 200) -> float:
    """The median time of one ``SELECT 1`` on this address: what the proxy really adds."""
    connection = await asyncpg.connect(url.render_as_string(hide_password=False))
    try:
        spent = []
        for _ in range(times):
            started = time.perf_counter()
            await connection.fetchval("SELECT 1")
            spent.append((time.perf_counter() - started) * 1000)
    finally:
        await connection.close()
    return sorted(spent)[times // 2]


def measure_latency(args: argparse.Namespace, env: dict[str, str], cookie: str) -> Latency:
    """Two api servers, one straight to PostgreSQL and one through
    :mod:`tests.bench.latency_proxy`, measured alternately on the fan's feed."""
    database = make_url(env["PICKEY_DATABASE_URL"])
    proxy_port, direct_port, delayed_port = (harness.free_port() for _ in range(3))
    target = [database.host or "127.0.0.1", str(database.port or 5432)]
    proxy_argv = [sys.executable, "-m", "tests.bench.latency_proxy", str(proxy_port), *target]
    proxy_argv.append(str(args.latency_ms))
    delayed_url = database.set(host="127.0.0.1", port=proxy_port)
    api = [sys.executable, "-m", "pickey_api", "serve"]
    latency = Latency()
    headers = [f"Cookie: {cookie}"]
    with (
        harness.server(proxy_argv, proxy_port, env),
        harness.server(api, direct_port, {**env, "PICKEY_PORT": str(direct_port)}) as direct,
        harness.server(
            api,
            delayed_port,
            {
                **env,
                "PICKEY_PORT": str(delayed_port),
                "PICKEY_DATABASE_URL": delayed_url.render_as_string(hide_password=False),
            },
        ) as delayed,
    ):
        latency.round_trip_ms = {
            "direct": asyncio.run(_round_trip_ms(database.set(drivername="postgresql"))),
            "delayed": asyncio.run(_round_trip_ms(delayed_url.set(drivername="postgresql"))),
        }
        sides = ((direct_port, direct, latency.direct), (delayed_port, delayed, latency.delayed))
        for port, pid, figures in sides * args.rounds:
            figures.add(
                harness.wrk(
                    f"http://127.0.0.1:{port}/api/v1/feed",
                    pid,
                    seconds=args.seconds,
                    connections=args.latency_connections,
                    headers=headers,
                )
            )
    return latency


if __name__ == "__main__":
    main()
