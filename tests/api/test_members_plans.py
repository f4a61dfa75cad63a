"""The members list and the analytics dashboard read O(page) and O(months) rows from their
indexes (EXPLAIN ANALYZE), however many members and months the platform holds."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import date

import asyncpg
import pytest

from pickey_api.analytics.repository import (
    cancellations_query,
    months_query,
    tier_revenue_query,
)
from pickey_api.members.repository import page_query
from pickey_core.models import MembershipStatus
from tests.support.infra import asyncpg_dsn
from tests.support.plans import PAGE, assert_reads_a_page, literal_sql, plan_of

FANS = 20_000
CREATORS = 300
MONTHS = 36


@pytest.fixture
async def seeded(database_url: str, clean_state: None) -> AsyncIterator[asyncpg.Connection]:
    """One big creator with every fan as a member (three tiers, mixed statuses), small ones
    beside, and 36 months of analytics rows for every creator."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    await connection.execute(
        f"""
        INSERT INTO users (id, email, password_hash, display_name)
        SELECT gen_random_uuid(), 'user' || n || '@example.cz', 'x', 'User ' || n
        FROM generate_series(1, {FANS}) AS n;

        INSERT INTO creators (id, user_id, slug, display_name)
        SELECT gen_random_uuid(), id, 'creator-' || row_number() OVER (), 'Creator'
        FROM (SELECT id FROM users ORDER BY email LIMIT {CREATORS}) AS u;

        INSERT INTO tiers (id, creator_id, name, price_amount, currency, position)
        SELECT gen_random_uuid(), c.id, 'Tier ' || p, p * 5000, 'CZK', p
        FROM creators c, generate_series(1, 3) AS p;

        INSERT INTO memberships (id, fan_id, creator_id, tier_id, status, created_at)
        SELECT gen_random_uuid(), u.id, t.creator_id, t.id,
               (ARRAY['active', 'past_due', 'lapsed', 'active'])[1 + u.n % 4],
               now() - make_interval(secs => u.n)
        FROM (SELECT id, row_number() OVER () AS n FROM users) AS u
        JOIN LATERAL (
            SELECT tiers.id, tiers.creator_id FROM tiers
            WHERE tiers.creator_id = (SELECT id FROM creators ORDER BY slug LIMIT 1)
              AND tiers.position = 1 + u.n % 3
        ) AS t ON true;

        INSERT INTO memberships (id, fan_id, creator_id, tier_id, status)
        SELECT gen_random_uuid(), (SELECT id FROM users ORDER BY email DESC LIMIT 1),
               t.creator_id, t.id, 'active'
        FROM tiers t
        WHERE t.position = 1 AND t.creator_id <> (SELECT id FROM creators ORDER BY slug LIMIT 1);

        INSERT INTO creator_monthly_stats (creator_id, month, currency, active_start,
            active_end, new_members, churned, mrr_start, mrr_end, membership_revenue, tips,
            unlocks, refunds, final, computed_at)
        SELECT c.id, (date '2024-01-01' + make_interval(months => m))::date, 'CZK',
               1, 1, 0, 0, 100, 100, 100, 0, 0, 0, true, now()
        FROM creators c, generate_series(0, {MONTHS - 1}) AS m;

        INSERT INTO creator_monthly_tier_revenue (creator_id, month, currency, tier_id, gross,
            refunds)
        SELECT t.creator_id, (date '2024-01-01' + make_interval(months => m))::date, 'CZK',
               t.id, 100, 0
        FROM tiers t, generate_series(0, {MONTHS - 1}) AS m;

        INSERT INTO creator_monthly_cancellations (creator_id, month, reason, count)
        SELECT c.id, (date '2024-01-01' + make_interval(months => m))::date, r, 1
        FROM creators c, generate_series(0, {MONTHS - 1}) AS m,
             unnest(ARRAY['none', 'other']) AS r;

        ANALYZE;
        """
    )
    yield connection
    await connection.close()


FILTERS = [
    (None, False, "ix_memberships_creator_created"),
    (MembershipStatus.ACTIVE, False, "ix_memberships_creator_status_created"),
    (None, True, "ix_memberships_creator_tier_created"),
    (MembershipStatus.PAST_DUE, True, "ix_memberships_creator_tier_status_created"),
]


@pytest.mark.parametrize(("status", "by_tier", "index"), FILTERS)
async def test_a_deep_members_page_reads_a_page(
    seeded: asyncpg.Connection, status: MembershipStatus | None, by_tier: bool, index: str
) -> None:
    creator_id, tier_id = await seeded.fetchrow(
        "SELECT creator_id, id FROM tiers WHERE position = 2 AND creator_id = "
        "(SELECT id FROM creators ORDER BY slug LIMIT 1)"
    )
    creator_id, tier_id = uuid.UUID(str(creator_id)), uuid.UUID(str(tier_id))
    created_at, membership_id = await seeded.fetchrow(
        "SELECT created_at, id FROM memberships WHERE creator_id = $1 "
        "ORDER BY created_at DESC, id DESC OFFSET 5000 LIMIT 1",
        creator_id,
    )
    tier = tier_id if by_tier else None
    for before in (None, (created_at, uuid.UUID(str(membership_id)))):
        query = page_query(creator_id, status=status, tier_id=tier, before=before, limit=PAGE + 1)
        plan = await plan_of(seeded, literal_sql(query))
        assert_reads_a_page(plan, index, max_rows=PAGE + 1)


async def test_the_dashboard_reads_only_the_months_asked_for(seeded: asyncpg.Connection) -> None:
    creator_id = uuid.UUID(str(await seeded.fetchval("SELECT id FROM creators LIMIT 1")))
    first, last = date(2024, 7, 1), date(2025, 6, 1)  # 12 of the 36 months
    for query, index, rows in [
        (months_query(creator_id, first, last), "pk_creator_monthly_stats", 12),
        (tier_revenue_query(creator_id, first, last), "pk_creator_monthly_tier_revenue", 36),
        (cancellations_query(creator_id, first, last), "pk_creator_monthly_cancellations", 24),
    ]:
        assert_reads_a_page(await plan_of(seeded, literal_sql(query)), index, max_rows=rows)
