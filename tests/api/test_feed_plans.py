"""Feeds read O(page) rows whatever the table size, in a fixed number of statements.

200,000 posts across 500 creators (every kind and access, drafts and posts whose media is not
ready among them), 50,000 follows, 5,000 memberships, polls, live streams and images are seeded
once for the module and analysed. Each feed is then requested through the app; the exact SQL of
its keyset query is captured from the engine (``before_cursor_execute``) and run again under
``EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`` with the same parameters. The plan must not scan
``posts``, ``follows`` or ``memberships`` sequentially, must use the intended index, and must
read at most:

* creator page and dashboard: ``limit + 1`` post rows (the page and the one that says "more");
* home feed: ``(S + 1) * (limit + 1)`` post rows, where S is the number of creators the viewer
  follows or is a member of (here S = 22, so 23 pages' worth): ``limit + 1`` index entries per
  source creator, then ``limit + 1`` rows fetched by primary key; its first page read again
  while nothing changed, ``limit + 1``: the remembered posts by primary key.

The same requests with ``limit`` 5 and 50 must run the same number of statements (no N+1).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
import httpx
import pytest
import redis.asyncio as aioredis
from sqlalchemy import event
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from pickey_api.app import create_app
from pickey_api.feeds import repository
from pickey_api.feeds.cache import FirstPages
from pickey_core.pagination import decode_cursor, encode_cursor
from pickey_core.resources import Resources
from pickey_core.sessions import SessionStore
from tests.support.api_users import BASE_URL
from tests.support.infra import TABLES, asyncpg_dsn
from tests.support.plans import nodes
from tests.support.settings import TestEnvironment

CREATORS = 500
POSTS_PER_CREATOR = 400
FANS = 5_000
FOLLOWS_PER_FAN = 10
FOLLOWED = 20  # by the viewer
JOINED = 2  # creators the viewer is a member of
SOURCES = FOLLOWED + JOINED
PAGE = 20

# Creators are ranked by `rank` (0 = the newest posts). The viewer is a member of ranks 0-1 and
# follows ranks 2-21, so the newest posts of the home feed come from both kinds of source. A
# post's kind and access cycle with (n + rank) % 5, so any five consecutive posts, on a creator's
# page or in the home feed, hold every kind: text, photo, poll, live (members) and paid.
SEED = f"""
CREATE TEMP TABLE ranked AS
SELECT gen_random_uuid() AS user_id, gen_random_uuid() AS creator_id, r AS rank
FROM generate_series(0, {CREATORS - 1}) AS r;

INSERT INTO users (id, email, password_hash, display_name)
SELECT user_id, 'creator' || rank || '@example.cz', 'x', 'Creator ' || rank FROM ranked;

INSERT INTO users (id, email, password_hash, display_name)
SELECT gen_random_uuid(), 'fan' || n || '@example.cz', 'x', 'Fan ' || n
FROM generate_series(0, {FANS}) AS n;

INSERT INTO creators (id, user_id, slug, display_name)
SELECT creator_id, user_id, 'creator-' || rank, 'Creator ' || rank FROM ranked;

INSERT INTO tiers (id, creator_id, name, price_amount, currency)
SELECT gen_random_uuid(), creator_id, 'Na steaky', 9900, 'CZK' FROM ranked;

INSERT INTO posts (id, creator_id, kind, status, access, title, body, media_ready,
                   published_at, created_at, unlock_price_amount, unlock_currency)
SELECT gen_random_uuid(), c.creator_id,
       (ARRAY['text', 'photo', 'poll', 'live', 'text'])[(n + c.rank) % 5 + 1],
       CASE WHEN n % 10 = 0 THEN 'draft' ELSE 'published' END,
       (ARRAY['public', 'public', 'public', 'members', 'paid'])[(n + c.rank) % 5 + 1],
       'Post ' || n, 'Body ' || n,
       n % 7 <> 0,
       CASE WHEN n % 10 = 0 THEN NULL
            ELSE now() - make_interval(mins => n, secs => c.rank) END,
       now() - make_interval(mins => n, secs => c.rank),
       CASE WHEN (n + c.rank) % 5 = 4 THEN 4900 END,
       CASE WHEN (n + c.rank) % 5 = 4 THEN 'CZK' END
FROM ranked AS c, generate_series(1, {POSTS_PER_CREATOR}) AS n;

INSERT INTO post_tiers (post_id, tier_id)
SELECT p.id, t.id FROM posts AS p JOIN tiers AS t ON t.creator_id = p.creator_id
WHERE p.access = 'members';

INSERT INTO polls (post_id, results_visibility)
SELECT id, 'always' FROM posts WHERE kind = 'poll';

INSERT INTO poll_options (id, post_id, position, text)
SELECT gen_random_uuid(), post_id, g, 'Option ' || g FROM polls, generate_series(0, 1) AS g;

INSERT INTO live_streams (post_id, scheduled_start_at, state)
SELECT id, now() + interval '1 day', 'idle' FROM posts WHERE kind = 'live';

INSERT INTO media_assets (id, owner_id, post_id, position, kind, status, variants)
SELECT gen_random_uuid(), c.user_id, p.id, 0, 'image', 'ready',
       jsonb_build_object('960w', jsonb_build_object('key', 'media/' || p.id || '/960w.webp'),
                          'teaser', jsonb_build_object('key', 'media/' || p.id || '/teaser.webp'))
FROM posts AS p JOIN ranked AS c ON c.creator_id = p.creator_id
WHERE p.kind = 'photo';

INSERT INTO follows (follower_id, creator_id)
SELECT u.id, c.creator_id
FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM users
      WHERE email LIKE 'fan%' AND email <> 'fan{FANS}@example.cz') AS u
JOIN ranked AS c ON c.rank % {CREATORS // FOLLOWS_PER_FAN} = u.i % {CREATORS // FOLLOWS_PER_FAN};

INSERT INTO memberships (id, fan_id, creator_id, tier_id, status)
SELECT gen_random_uuid(), u.id, t.creator_id, t.id,
       CASE WHEN u.i % 3 = 0 THEN 'lapsed' ELSE 'active' END
FROM (SELECT id, row_number() OVER (ORDER BY id) AS i FROM users
      WHERE email LIKE 'fan%' AND email <> 'fan{FANS}@example.cz') AS u
JOIN ranked AS c ON c.rank = u.i % {CREATORS}
JOIN tiers AS t ON t.creator_id = c.creator_id;

-- The viewer: member of ranks 0-1, follower of ranks 2-21; likes a few posts.
INSERT INTO follows (follower_id, creator_id)
SELECT (SELECT id FROM users WHERE email = 'fan{FANS}@example.cz'), creator_id
FROM ranked WHERE rank BETWEEN {JOINED} AND {SOURCES - 1}
ON CONFLICT DO NOTHING;

INSERT INTO memberships (id, fan_id, creator_id, tier_id, status)
SELECT gen_random_uuid(), (SELECT id FROM users WHERE email = 'fan{FANS}@example.cz'),
       t.creator_id, t.id, 'active'
FROM tiers AS t JOIN ranked AS c ON c.creator_id = t.creator_id WHERE c.rank < {JOINED};

INSERT INTO likes (post_id, user_id)
SELECT p.id, (SELECT id FROM users WHERE email = 'fan{FANS}@example.cz')
FROM posts AS p JOIN ranked AS c ON c.creator_id = p.creator_id
WHERE c.rank < {SOURCES} AND p.title IN ('Post 1', 'Post 2', 'Post 3');

ANALYZE;
"""


@dataclass
class World:
    resources: Resources
    viewer: httpx.AsyncClient  # member of ranks 0-1, follower of ranks 2-21
    owner: httpx.AsyncClient  # the creator of rank 0
    anonymous: httpx.AsyncClient
    statements: list[tuple[str, Any]] = field(default_factory=list)

    async def get(self, client: httpx.AsyncClient, url: str, **params: Any) -> dict[str, Any]:
        """The page, with the statements the request ran left in ``statements``."""
        self.statements.clear()
        response = await client.get(url, params=params)
        assert response.status_code == 200, response.text
        return dict(response.json())


async def _logged_in(
    store: SessionStore, connection: asyncpg.Connection, client: httpx.AsyncClient, email: str
) -> None:
    user_id = await connection.fetchval("SELECT id FROM users WHERE email = $1", email)
    session_id, session = await store.create(user_id)
    client.cookies.set(store.config.cookie_name, session_id)
    client.headers["X-CSRF-Token"] = session.csrf_token


@pytest.fixture(scope="module")
async def world(
    database_url: str, redis_url: str, test_env: TestEnvironment
) -> AsyncIterator[World]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    client = aioredis.from_url(redis_url)
    await client.flushdb()
    await client.aclose()
    await connection.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
    await connection.execute(SEED)
    settings = test_env.api()
    resources = await Resources.open(settings)
    app = create_app(settings, resources=resources)
    clients = [
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
        for _ in range(3)
    ]
    store = SessionStore(resources.redis, settings.session)
    await _logged_in(store, connection, clients[0], f"fan{FANS}@example.cz")
    await _logged_in(store, connection, clients[1], "creator0@example.cz")
    world = World(resources, *clients)

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        world.statements.append((statement, parameters))

    event.listen(resources.engine.sync_engine, "before_cursor_execute", record)
    try:
        yield world
    finally:
        event.remove(resources.engine.sync_engine, "before_cursor_execute", record)
        for opened in clients:
            await opened.aclose()
        await resources.close()
        await connection.execute(f"TRUNCATE {TABLES} RESTART IDENTITY CASCADE")
        await connection.close()


def the_statement(world: World, marker: str) -> tuple[str, Any]:
    [found] = [(sql, params) for sql, params in world.statements if marker in sql]
    return found


async def plan_of(world: World, marker: str) -> list[dict[str, Any]]:
    """The real plan of the captured statement containing ``marker``, run again as it ran."""
    sql, params = the_statement(world, marker)
    async with world.resources.engine.connect() as connection:
        result = await connection.exec_driver_sql(
            f"EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) {sql}", params
        )
        raw = result.scalar()
    document = json.loads(raw) if isinstance(raw, str) else raw
    return list(nodes(document[0]["Plan"]))


def post_rows_read(plan: list[dict[str, Any]]) -> int:
    """Rows the plan took from ``posts`` (its table or its indexes), over every loop."""
    read = 0
    for node in plan:
        if node.get("Relation Name") == "posts":
            per_loop = node["Actual Rows"] + node.get("Rows Removed by Filter", 0)
            read += per_loop * node["Actual Loops"]
    return read


def assert_reads_pages(plan: list[dict[str, Any]], index: str, max_rows: int) -> None:
    summary = [
        (node["Node Type"], node.get("Relation Name"), node.get("Index Name")) for node in plan
    ]
    scans = {(kind, relation) for kind, relation, _ in summary}
    for relation in ("posts", "follows", "memberships"):
        assert ("Seq Scan", relation) not in scans, summary
    assert index in {name for _, _, name in summary}, f"{index} not used: {summary}"
    assert 0 < post_rows_read(plan) <= max_rows, (post_rows_read(plan), max_rows, summary)


CREATOR_FEED = "ORDER BY posts.published_at DESC, posts.id DESC"
HOME_FEED = "per_creator"
DASHBOARD = "ORDER BY posts.created_at DESC, posts.id DESC"


async def deep_cursor(world: World, creator_rank: int, depth: int) -> str:
    """The cursor after the ``depth``-th visible post of a creator."""
    async with world.resources.engine.connect() as connection:
        row = (
            await connection.exec_driver_sql(
                "SELECT p.published_at, p.id FROM posts AS p JOIN creators AS c "
                "ON c.id = p.creator_id WHERE c.slug = $1 AND p.status = 'published' "
                "AND p.media_ready ORDER BY p.published_at DESC, p.id DESC OFFSET $2 LIMIT 1",
                (f"creator-{creator_rank}", depth),
            )
        ).one()
    published_at: datetime = row[0]
    post_id: uuid.UUID = row[1]
    return encode_cursor(published_at, post_id)


async def test_seeded_enough_posts(world: World) -> None:
    async with world.resources.engine.connect() as connection:
        total = (await connection.exec_driver_sql("SELECT count(*) FROM posts")).scalar()
    assert total == CREATORS * POSTS_PER_CREATOR >= 200_000


@pytest.mark.parametrize("depth", [0, 40])
async def test_a_creator_page_reads_one_page_of_its_feed_index(world: World, depth: int) -> None:
    params: dict[str, Any] = {"limit": PAGE}
    if depth:
        params["cursor"] = await deep_cursor(world, 0, depth)
    page = await world.get(world.viewer, "/api/v1/creators/creator-0/posts", **params)
    assert len(page["items"]) == PAGE

    plan = await plan_of(world, CREATOR_FEED)

    assert_reads_pages(plan, "ix_posts_creator_feed", PAGE + 1)


async def test_an_anonymous_deep_page_reads_one_page(world: World) -> None:
    cursor = await deep_cursor(world, 123, 50)
    page = await world.get(
        world.anonymous, "/api/v1/creators/creator-123/posts", limit=PAGE, cursor=cursor
    )
    assert len(page["items"]) == PAGE

    plan = await plan_of(world, CREATOR_FEED)

    assert_reads_pages(plan, "ix_posts_creator_feed", PAGE + 1)


async def forget_first_pages(world: World) -> None:
    keys = [key async for key in world.resources.redis.scan_iter(match="pickey:api:cache:home-*")]
    if keys:
        await world.resources.redis.delete(*keys)


@pytest.mark.parametrize("depth", [0, 40])
async def test_the_home_feed_reads_a_page_per_source(world: World, depth: int) -> None:
    """A first read (nothing remembered) and any later page: fan-in over the sources."""
    await forget_first_pages(world)
    params: dict[str, Any] = {"limit": PAGE}
    if depth:
        params["cursor"] = await deep_cursor(world, 5, depth)
    page = await world.get(world.viewer, "/api/v1/feed", **params)
    assert len(page["items"]) == PAGE
    sources = {item["creator"]["slug"] for item in page["items"]}
    assert sources <= {f"creator-{rank}" for rank in range(SOURCES)}

    plan = await plan_of(world, HOME_FEED)

    assert_reads_pages(plan, "ix_posts_creator_feed", (SOURCES + 1) * (PAGE + 1))
    assert "pk_posts" in {node.get("Index Name") for node in plan}


async def test_a_repeated_home_feed_reads_its_first_page_by_key(world: World) -> None:
    """Issue 14, P2: once a fan's first page is remembered, reading it again takes its posts by
    primary key, ``limit + 1`` rows, not a page per source; the sources and their versions are
    read by index (the digest), never by scanning."""
    await forget_first_pages(world)
    first = await world.get(world.viewer, "/api/v1/feed", limit=PAGE)
    again = await world.get(world.viewer, "/api/v1/feed", limit=PAGE)
    assert again == first
    assert len(again["items"]) == PAGE

    plan = await plan_of(world, HOME_FEED)

    fan_in = [node for node in plan if node.get("Index Name") == "ix_posts_creator_feed"]
    assert fan_in, "the statement lost its fan-in branch"
    assert all(node["Actual Loops"] == 0 for node in fan_in), "the fan-in branch ran on a hit"
    assert 0 < post_rows_read(plan) <= PAGE + 1, post_rows_read(plan)
    scans = {(node["Node Type"], node.get("Relation Name")) for node in plan}
    for relation in ("posts", "follows", "memberships"):
        assert ("Seq Scan", relation) not in scans, scans
    versions = [node for node in plan if node.get("Index Cond") == "(id = sources.creator_id)"]
    assert [(node["Index Name"], node["Actual Loops"]) for node in versions] == [
        ("pk_creators", SOURCES)
    ]


@pytest.mark.parametrize("status", [None, "draft", "published"])
async def test_the_dashboard_reads_one_page(world: World, status: str | None) -> None:
    limit = PAGE
    params: dict[str, Any] = {"limit": limit}
    if status:
        params["status"] = status
    first = await world.get(world.owner, "/api/v1/creators/me/posts", **params)
    page = await world.get(
        world.owner, "/api/v1/creators/me/posts", **params, cursor=first["next_cursor"]
    )
    assert len(page["items"]) == limit
    assert {item["status"] for item in page["items"]} <= {status or "draft", "published"}

    plan = await plan_of(world, DASHBOARD)

    index = "ix_posts_creator_status_dashboard" if status else "ix_posts_creator_dashboard"
    assert_reads_pages(plan, index, limit + 1)


FEEDS = [
    ("viewer", "/api/v1/feed"),
    ("viewer", "/api/v1/creators/creator-0/posts"),
    ("viewer", "/api/v1/creators/creator-7/posts"),
    ("owner", "/api/v1/creators/me/posts"),
    ("owner", "/api/v1/creators/creator-0/posts"),
]


@pytest.mark.parametrize(("who", "url"), FEEDS)
async def test_a_feed_runs_the_same_statements_for_5_and_50_posts(
    world: World, who: str, url: str
) -> None:
    client = getattr(world, who)
    counts = {}
    for limit in (5, 50):
        page = await world.get(client, url, limit=limit)
        assert len(page["items"]) == limit
        kinds = {(item["kind"], item["access"]) for item in page["items"]}
        assert len(kinds) == 5, kinds  # every kind of post, so every page-wide read runs
        counts[limit] = len(world.statements)

    assert counts[5] == counts[50], counts
    # user, (own creator row,) the list with its page-wide reads (posts.page_reads), or the
    # dashboard's list and one statement of page-wide reads
    assert counts[5] <= 4, world.statements


async def test_the_anonymous_first_page_comes_from_the_cache(world: World) -> None:
    url = "/api/v1/creators/creator-3/posts"
    built = await world.get(world.anonymous, url, limit=PAGE)
    building = len(world.statements)

    cached = await world.get(world.anonymous, url, limit=PAGE)

    assert cached == built
    assert len(world.statements) == 1 < building  # only the creator's row (its cache key)


async def _plans_after_repeats(
    world: World, statement: Any, parameters: dict[str, Any]
) -> tuple[int, int]:
    """(generic, custom) plans PostgreSQL made for ``statement``, prepared by asyncpg as the api
    runs it, after ten executions on one new connection (``pg_prepared_statements``)."""
    engine = create_async_engine(world.resources.engine.url, poolclass=NullPool)
    try:
        async with engine.connect() as connection:
            autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
            for _ in range(10):
                await autocommit.execute(statement, parameters)
            counts = (
                await autocommit.exec_driver_sql(
                    "SELECT generic_plans, custom_plans FROM pg_prepared_statements "
                    "WHERE position('FROM posts' in statement) > 0 "
                    "AND position('pg_prepared_statements' in statement) = 0"
                )
            ).all()
    finally:
        await engine.dispose()
    assert len(counts) == 1, counts
    return int(counts[0][0]), int(counts[0][1])


@pytest.mark.parametrize("shape", ["first read", "repeated read", "after a cursor", "creator page"])
async def test_hot_lists_are_planned_once_per_connection(world: World, shape: str) -> None:
    """Issue 14, P2: each hot list keeps PostgreSQL's generic plan for its prepared statement
    (after the five custom plans PostgreSQL always makes first) instead of planning every
    execution again, which cost about 2 ms a read at a million posts when the page size was a
    bound parameter the generic plan could not see."""
    async with world.resources.engine.connect() as connection:
        viewer_id = (
            await connection.exec_driver_sql(
                f"SELECT id FROM users WHERE email = 'fan{FANS}@example.cz'"
            )
        ).scalar_one()
    statement: Any
    if shape in ("first read", "repeated read"):
        cached = None
        if shape == "repeated read":  # the page the api remembered on a read of the feed
            await world.get(world.viewer, "/api/v1/feed", limit=PAGE)
            cached = await FirstPages(world.resources.redis, 60).get(viewer_id, PAGE)
            assert cached is not None
        prebuilt, parameters = repository.home_first_page_with_reads(viewer_id, PAGE, cached)
        statement = prebuilt.statement
    elif shape == "after a cursor":
        cursor = await deep_cursor(world, 5, 40)
        at, post_id = decode_cursor(cursor, datetime, uuid.UUID)
        prebuilt, parameters = repository.home_feed_with_reads(viewer_id, (at, post_id), PAGE)
        statement = prebuilt.statement
    else:
        prebuilt, parameters = repository.creator_page_query("creator-3", None, PAGE)
        statement = prebuilt.statement
        parameters = {**parameters, "viewer": viewer_id}

    generic, custom = await _plans_after_repeats(world, statement, parameters)

    assert (generic, custom) == (5, 5), f"{generic} generic and {custom} custom plans"
