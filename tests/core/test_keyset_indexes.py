"""The indexes keyset lists stand on: a page reads O(page) rows, whatever the table size.

The tables are filled with tens of thousands of rows, statistics are gathered, and the real plan
(EXPLAIN ANALYZE) of each list query is checked: an index scan on the intended index, and no
node that reads more than a page's worth of rows.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import asyncpg
import pytest

from tests.support.infra import asyncpg_dsn
from tests.support.plans import assert_reads_a_page, creators_sql, plan_of, users_sql

CREATORS = 50
POSTS_PER_CREATOR = 1_000
FANS = 20_000


@pytest.fixture
async def seeded(database_url: str, clean_state: None) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    await connection.execute(
        users_sql(FANS)
        + creators_sql(CREATORS)
        + f"""

        INSERT INTO posts (id, creator_id, kind, status, access, title, media_ready, published_at)
        SELECT gen_random_uuid(), c.id, 'text',
               CASE WHEN n % 10 = 0 THEN 'draft' ELSE 'published' END,
               'public', 'Post ' || n, n % 7 <> 0,
               now() - make_interval(mins => n)
        FROM creators AS c, generate_series(1, {POSTS_PER_CREATOR}) AS n;

        INSERT INTO follows (follower_id, creator_id)
        SELECT u.id, c.id FROM users AS u, (SELECT id FROM creators LIMIT 2) AS c;

        INSERT INTO notifications (id, event_key, recipient_id, kind, created_at)
        SELECT gen_random_uuid(), 'event-' || n, (SELECT id FROM users ORDER BY email LIMIT 1),
               'new_post', now() - make_interval(secs => n)
        FROM generate_series(1, 30000) AS n;

        ANALYZE;
        """
    )
    yield connection
    await connection.close()


async def test_creator_feed_page_uses_the_partial_feed_index(seeded: asyncpg.Connection) -> None:
    creator, cursor = await seeded.fetchrow(
        "SELECT creator_id, published_at FROM posts WHERE status = 'published' "
        "ORDER BY published_at DESC OFFSET 500 LIMIT 1"
    )
    plan = await plan_of(
        seeded,
        """
        SELECT id, published_at FROM posts
        WHERE creator_id = $1 AND status = 'published' AND media_ready AND deleted_at IS NULL
          AND (published_at, id) < ($2, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)
        ORDER BY published_at DESC, id DESC
        LIMIT 20
        """,
        creator,
        cursor,
    )
    assert_reads_a_page(plan, "ix_posts_creator_feed")


async def test_notification_list_page_uses_the_recipient_index(seeded: asyncpg.Connection) -> None:
    recipient, created_at = await seeded.fetchrow(
        "SELECT recipient_id, created_at FROM notifications "
        "ORDER BY created_at DESC OFFSET 9000 LIMIT 1"
    )
    plan = await plan_of(
        seeded,
        """
        SELECT id FROM notifications
        WHERE recipient_id = $1 AND in_app
          AND (created_at, id) < ($2, 'ffffffff-ffff-ffff-ffff-ffffffffffff'::uuid)
        ORDER BY created_at DESC, id DESC
        LIMIT 20
        """,
        recipient,
        created_at,
    )
    assert_reads_a_page(plan, "ix_notifications_recipient_feed")


async def test_follower_fan_out_chunk_uses_the_creator_follower_index(
    seeded: asyncpg.Connection,
) -> None:
    creator = await seeded.fetchval("SELECT creator_id FROM follows LIMIT 1")
    after = await seeded.fetchval(
        "SELECT follower_id FROM follows WHERE creator_id = $1 "
        "ORDER BY follower_id OFFSET 5000 LIMIT 1",
        creator,
    )
    plan = await plan_of(
        seeded,
        "SELECT follower_id FROM follows WHERE creator_id = $1 AND follower_id > $2 "
        "ORDER BY follower_id LIMIT 20",
        creator,
        after,
    )
    assert_reads_a_page(plan, "ix_follows_creator_follower")
