"""The comment list's real query reads O(page) rows from its index, however long the thread."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from pickey_api.comments.repository import page_query
from tests.support.infra import asyncpg_dsn
from tests.support.plans import (
    PAGE,
    assert_reads_a_page,
    creators_sql,
    literal_sql,
    plan_of,
    users_sql,
)

USERS = 5_000
POSTS = 40
COMMENTS_PER_POST = 500


@pytest.fixture
async def seeded(database_url: str, clean_state: None) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    await connection.execute(
        users_sql(USERS)
        + creators_sql(4)
        + f"""

        INSERT INTO posts (id, creator_id, kind, status, access, title, media_ready, published_at)
        SELECT gen_random_uuid(), (SELECT id FROM creators ORDER BY slug LIMIT 1), 'text',
               'published', 'public', 'Post ' || n, true, now()
        FROM generate_series(1, {POSTS}) AS n;

        INSERT INTO comments (id, post_id, author_id, body, created_at, updated_at)
        SELECT gen_random_uuid(), p.id, u.id, 'Komentář ' || n,
               now() - make_interval(secs => n), now() - make_interval(secs => n)
        FROM (SELECT id FROM posts) AS p,
             generate_series(1, {COMMENTS_PER_POST}) AS n,
             LATERAL (SELECT id FROM users OFFSET (n * 7) % {USERS} LIMIT 1) AS u;

        ANALYZE;
        """
    )
    yield connection
    await connection.close()


async def test_a_deep_comment_page_reads_a_page_from_the_post_index(
    seeded: asyncpg.Connection,
) -> None:
    post_id, created_at, comment_id = await seeded.fetchrow(
        "SELECT post_id, created_at, id FROM comments ORDER BY post_id, created_at, id "
        "OFFSET 300 LIMIT 1"
    )

    first = await plan_of(seeded, literal_sql(page_query(uuid.UUID(str(post_id)), None, PAGE + 1)))
    after = (created_at, uuid.UUID(str(comment_id)))
    deep = await plan_of(seeded, literal_sql(page_query(uuid.UUID(str(post_id)), after, PAGE + 1)))

    for plan in (first, deep):
        assert_reads_a_page(plan, "ix_comments_post_created")


async def test_an_unknown_post_reads_nothing(seeded: asyncpg.Connection) -> None:
    plan = await plan_of(seeded, literal_sql(page_query(uuid.uuid4(), None, PAGE + 1)))

    assert_reads_a_page(plan, "ix_comments_post_created")
