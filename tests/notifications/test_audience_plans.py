"""Fan-out reads a creator's audience in keyset pages: the real plan (EXPLAIN ANALYZE) of a deep
page of members and of followers reads O(page) index entries from the intended index, however
large the audience. The queries are the ones the fan-out runs, compiled from the repository."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import asyncpg
import pytest

from pickey_notifications.audience import repository as audience
from tests.support.infra import asyncpg_dsn
from tests.support.plans import PAGE, creators_sql, literal_sql, plan_of, users_sql

FANS = 20_000


@pytest.fixture
async def seeded(database_url: str, clean_state: None) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    await connection.execute(
        users_sql(FANS, prefix="fan")
        + creators_sql(2)
        + """

        INSERT INTO tiers (id, creator_id, name, price_amount, currency)
        SELECT gen_random_uuid(), id, 'Tier', 5900, 'CZK' FROM creators;

        INSERT INTO memberships (id, fan_id, creator_id, tier_id, status)
        SELECT gen_random_uuid(), u.id, t.creator_id, t.id,
               CASE WHEN random() < 0.1 THEN 'lapsed' ELSE 'active' END
        FROM users AS u, tiers AS t;

        INSERT INTO follows (follower_id, creator_id)
        SELECT u.id, c.id FROM users AS u, creators AS c;

        ANALYZE;
        """
    )
    yield connection
    await connection.close()


def assert_reads_a_page(plan: list[dict[str, object]], index: str) -> None:
    """An index scan on ``index`` that reads about a page: each page row then joins one user
    and, for followers, probes one membership."""
    summary = [(node["Node Type"], node.get("Index Name")) for node in plan]
    assert "Seq Scan" not in {kind for kind, _ in summary}, summary
    assert index in {name for _, name in summary}, summary
    for node in plan:
        loops = int(node.get("Actual Loops", 1))  # type: ignore[call-overload]
        read = (
            int(node["Actual Rows"]) + int(node.get("Rows Removed by Filter", 0))  # type: ignore[call-overload]
        ) * loops
        assert read <= 3 * (PAGE + 1), [
            (
                n["Node Type"],
                n.get("Index Name"),
                n["Actual Rows"],
                n.get("Actual Loops"),
                n.get("Rows Removed by Filter"),
            )
            for n in plan
        ]


async def test_a_deep_page_of_members_reads_a_page_from_the_status_index(
    seeded: asyncpg.Connection,
) -> None:
    creator = await seeded.fetchval("SELECT id FROM creators LIMIT 1")
    after = await seeded.fetchval(
        "SELECT fan_id FROM memberships WHERE creator_id = $1 AND status = 'active' "
        "ORDER BY fan_id OFFSET 9000 LIMIT 1",
        creator,
    )
    query = audience.member_page_query(
        "active_members",
        uuid.UUID(str(creator)),
        after=uuid.UUID(str(after)),
        until=None,
        limit=PAGE,
    )

    assert_reads_a_page(
        await plan_of(seeded, literal_sql(query)), "ix_memberships_creator_status_fan"
    )


async def test_a_deep_page_of_followers_reads_a_page_from_the_follower_index(
    seeded: asyncpg.Connection,
) -> None:
    creator, tier = await seeded.fetchrow(
        "SELECT c.id, t.id FROM creators c JOIN tiers t ON t.creator_id = c.id LIMIT 1"
    )
    window = await seeded.fetch(
        "SELECT follower_id FROM follows WHERE creator_id = $1 ORDER BY follower_id "
        f"OFFSET 12000 LIMIT {PAGE + 1}",
        creator,
    )
    after, until = uuid.UUID(str(window[0][0])), uuid.UUID(str(window[-1][0]))

    for skip in ((), {uuid.UUID(str(tier))}):
        query = audience.follower_page_query(
            uuid.UUID(str(creator)),
            after=after,
            until=until,
            limit=PAGE,
            skip_members_of=skip,
        )
        # Skipping members who get the post as members still reads only the chunk's range.
        assert_reads_a_page(
            await plan_of(seeded, literal_sql(query)), "ix_follows_creator_follower"
        )
