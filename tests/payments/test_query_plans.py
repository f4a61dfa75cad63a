"""The payments jobs and lists read O(batch) rows from their indexes, however many memberships and
payments there are (an unindexed filter once read billions of rows). The real queries of the
repositories are explained (EXPLAIN ANALYZE) against tens of thousands of rows."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.resources import Resources
from pickey_payments.memberships.repository import page_of_fan_query
from pickey_payments.payments.repository import page_of_fan_query as payments_of_fan_query
from pickey_payments.reconciliation.repository import to_check_query
from pickey_payments.refunds.repository import page_of_creator_query as refunds_of_creator_query
from pickey_payments.renewals.repository import due_for_charge_query
from tests.support.plans import PAGE, assert_reads_a_page, explain


@pytest.fixture
async def seeded(payments_resources: Resources) -> AsyncIterator[AsyncSession]:
    """50,000 memberships of 3,000 fans, nearly all far from due (five are); as many settled
    payments and five unsettled ones."""
    async with payments_resources.sessions() as session, session.begin():
        for statement in SEED.split(";\n"):
            if statement.strip():
                await session.execute(text(statement))
    async with payments_resources.sessions() as session:
        yield session


SEED = """
                INSERT INTO users (id, email, password_hash, display_name)
                SELECT gen_random_uuid(), 'fan' || n || '@example.cz', 'x', 'Fan'
                FROM generate_series(1, 3000) AS n;
                INSERT INTO creators (id, user_id, slug, display_name)
                SELECT gen_random_uuid(), id, 'c-' || email, 'Creator'
                FROM (SELECT id, email FROM users ORDER BY email LIMIT 10) AS u;
                INSERT INTO tiers (id, creator_id, name, price_amount, currency)
                SELECT gen_random_uuid(), id, 'Tier', 5900, 'CZK' FROM creators;
                INSERT INTO memberships (id, fan_id, creator_id, tier_id, status,
                                         current_period_start, current_period_end, created_at)
                SELECT gen_random_uuid(), u.id, t.creator_id, t.id,
                       CASE WHEN (u.n + t.n) % 3 = 0 THEN 'active' ELSE 'lapsed' END,
                       now() - interval '10 days', now() + make_interval(hours => u.n::int),
                       now() - make_interval(secs => (u.n * 10 + t.n)::int)
                FROM (SELECT id, row_number() OVER (ORDER BY email) AS n FROM users) AS u
                CROSS JOIN (SELECT id, creator_id, row_number() OVER (ORDER BY id) AS n
                            FROM tiers) AS t;
                -- One fan with a long history: twenty thousand lapsed memberships of one creator.
                INSERT INTO memberships (id, fan_id, creator_id, tier_id, status,
                                         current_period_start, current_period_end, created_at)
                SELECT gen_random_uuid(), (SELECT id FROM users ORDER BY email LIMIT 1),
                       t.creator_id, t.id, 'lapsed', now() - interval '1 year',
                       now() - interval '11 months', now() - make_interval(days => n)
                FROM (SELECT id, creator_id FROM tiers LIMIT 1) AS t,
                     generate_series(1, 20000) AS n;
                INSERT INTO payments (id, kind, state, fan_id, creator_id, amount, currency,
                                      created_at)
                SELECT gen_random_uuid(), 'tip', 'paid', m.fan_id, m.creator_id, 5000, 'CZK',
                       now() - interval '1 day'
                FROM memberships AS m;
                INSERT INTO payments (id, kind, state, fan_id, creator_id, amount, currency,
                                      created_at)
                SELECT gen_random_uuid(), 'tip', 'created', m.fan_id, m.creator_id, 5000, 'CZK',
                       now() - interval '2 hours'
                FROM memberships AS m LIMIT 5;
                UPDATE memberships SET current_period_end = now() - interval '1 minute'
                WHERE id IN (SELECT id FROM memberships WHERE status = 'active' LIMIT 5);
                ANALYZE;
"""


async def test_a_fans_membership_page_reads_a_page(seeded: AsyncSession) -> None:
    fan, created_at, membership_id = (
        await seeded.execute(
            text(
                "SELECT fan_id, created_at, id FROM memberships WHERE fan_id = "
                "(SELECT id FROM users ORDER BY email LIMIT 1) "
                "ORDER BY created_at DESC, id DESC OFFSET 10000 LIMIT 1"
            )
        )
    ).one()
    plan = await explain(seeded, page_of_fan_query(fan, (created_at, membership_id), PAGE))
    assert_reads_a_page(plan, "ix_memberships_fan_created")


async def test_the_renewal_job_reads_only_what_is_due(seeded: AsyncSession) -> None:
    query = due_for_charge_query(datetime.now(UTC), timedelta(minutes=2), set(), PAGE)
    plan = await explain(seeded, query)
    assert_reads_a_page(plan, "ix_memberships_due", max_rows=10 + 1)


async def test_reconciliation_reads_only_unsettled_payments(seeded: AsyncSession) -> None:
    minute = timedelta(minutes=1)
    query = to_check_query(
        datetime.now(UTC), quiet_for=15 * minute, recheck_every=10 * minute, lease=2 * minute,
        limit=PAGE,
    )  # fmt: skip
    plan = await explain(seeded, query)
    assert_reads_a_page(plan, "ix_payments_unsettled", max_rows=10 + 1)


async def test_a_fans_payment_page_reads_a_page(seeded: AsyncSession) -> None:
    """The fan with twenty thousand payments, all made at the same moment: the id breaks the tie
    inside the index, so a deep page still reads one page."""
    fan, created_at, payment_id = (
        await seeded.execute(
            text(
                "SELECT fan_id, created_at, id FROM payments WHERE fan_id = "
                "(SELECT id FROM users ORDER BY email LIMIT 1) "
                "ORDER BY created_at DESC, id DESC OFFSET 10000 LIMIT 1"
            )
        )
    ).one()
    plan = await explain(seeded, payments_of_fan_query(fan, (created_at, payment_id), PAGE))
    assert_reads_a_page(plan, "ix_payments_fan_created_id")
    first = await explain(seeded, payments_of_fan_query(fan, None, PAGE))
    assert_reads_a_page(first, "ix_payments_fan_created_id")


async def test_a_creators_refund_page_reads_a_page(seeded: AsyncSession) -> None:
    """Every paid payment refunded once (tens of thousands of refunds over ten creators, twenty
    thousand of them to one creator at the same moment): a deep page reads one page."""
    await seeded.execute(
        text(
            "INSERT INTO refunds (id, payment_id, creator_id, amount, currency, state, "
            "message_id, created_at, updated_at) "
            "SELECT gen_random_uuid(), id, creator_id, 100, currency, 'succeeded', "
            "md5(id::text), now() - interval '1 hour', now() FROM payments WHERE state = 'paid'"
        )
    )
    await seeded.execute(text("ANALYZE refunds"))
    await seeded.commit()
    creator, created_at, refund_id = (
        await seeded.execute(
            text(
                "SELECT creator_id, created_at, id FROM refunds WHERE creator_id = "
                "(SELECT creator_id FROM refunds GROUP BY creator_id ORDER BY count(*) DESC "
                "LIMIT 1) ORDER BY created_at DESC, id DESC OFFSET 10000 LIMIT 1"
            )
        )
    ).one()
    deep = refunds_of_creator_query(creator, (created_at, refund_id), PAGE)
    assert_reads_a_page(await explain(seeded, deep), "ix_refunds_creator_created_id")
    first = refunds_of_creator_query(creator, None, PAGE)
    assert_reads_a_page(await explain(seeded, first), "ix_refunds_creator_created_id")
