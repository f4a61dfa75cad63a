"""members and analytics: membership history, monthly figures, e-mail sharing consent

* ``membership_events``: every change of a membership's state, appended by payments and never
  changed (``membership_events_append_only`` refuses UPDATE and DELETE, except emptying the
  fan's free-text cancellation reason when the fan is erased).
  Memberships that exist already get their history reconstructed once: ``started`` at their
  creation, and ``lapsed`` at their last change for lapsed ones (a cancel made before the
  history existed counts as if made at the start: no MRR).
* ``creator_monthly_stats``, ``creator_monthly_tier_revenue``, ``creator_monthly_cancellations``:
  the analytics job's monthly rows (the dashboard reads only these).
* ``users.share_email_with_creators``: the fan's consent to show their e-mail to creators
  (constant default: instant).
* Four members-list indexes on ``memberships`` and one on ``ledger_transactions.created_at``
  (the analytics job reads a month), built CONCURRENTLY (checkouts keep writing).

Revision ID: 0012_members
Revises: 0011_plans
Create Date: 2026-12-06 19:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0012_members'
down_revision: str | None = '0011_plans'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

APPEND_ONLY = (
    """
    CREATE FUNCTION membership_events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP = 'UPDATE' AND NEW.reason_text IS NULL
           AND to_jsonb(NEW) - 'reason_text' = to_jsonb(OLD) - 'reason_text' THEN
            RETURN NEW;  -- erasure empties the fan's own words, nothing else
        END IF;
        RAISE EXCEPTION 'membership_events is append-only: % refused', TG_OP;
    END $$
    """,
    """
    CREATE TRIGGER membership_events_append_only
    BEFORE UPDATE OR DELETE ON membership_events
    FOR EACH ROW EXECUTE FUNCTION membership_events_refuse_change()
    """,
)

BACKFILL = (
    """
    INSERT INTO membership_events (membership_id, creator_id, fan_id, tier_id, kind,
        monthly_amount, mrr_delta, currency, occurred_at)
    SELECT m.id, m.creator_id, m.fan_id, m.tier_id, 'started', t.price_amount,
        CASE WHEN m.status IN ('active', 'past_due') AND NOT m.cancel_at_period_end
             THEN t.price_amount ELSE 0 END,
        t.currency, m.created_at
    FROM memberships m JOIN tiers t ON t.id = m.tier_id
    WHERE m.status IN ('active', 'past_due', 'lapsed')
    """,
    """
    INSERT INTO membership_events (membership_id, creator_id, fan_id, tier_id, kind,
        monthly_amount, mrr_delta, currency, occurred_at)
    SELECT m.id, m.creator_id, m.fan_id, m.tier_id, 'lapsed', t.price_amount, 0, t.currency,
        greatest(m.created_at, m.updated_at)
    FROM memberships m JOIN tiers t ON t.id = m.tier_id
    WHERE m.status = 'lapsed'
    """,
)

MEMBERS_INDEXES = {
    'ix_memberships_creator_created': 'creator_id, created_at, id',
    'ix_memberships_creator_status_created': 'creator_id, status, created_at, id',
    'ix_memberships_creator_tier_created': 'creator_id, tier_id, created_at, id',
    'ix_memberships_creator_tier_status_created': 'creator_id, tier_id, status, created_at, id',
}
OTHER_INDEXES = {'ix_ledger_transactions_created': ('ledger_transactions', 'created_at')}


def upgrade() -> None:
    op.add_column(
        'users',
        sa.Column(
            'share_email_with_creators', sa.Boolean(), server_default=sa.false(), nullable=False
        ),
    )
    op.create_table(
        'membership_events',
        sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
        sa.Column('membership_id', sa.Uuid(), nullable=False),
        sa.Column('creator_id', sa.Uuid(), nullable=False),
        sa.Column('fan_id', sa.Uuid(), nullable=False),
        sa.Column('tier_id', sa.Uuid(), nullable=False),
        sa.Column(
            'kind',
            sa.Enum(
                'started', 'renewed', 'tier_changed', 'past_due', 'cancelled', 'resumed',
                'lapsed', name='membership_event_kind', native_enum=False,
                create_constraint=True, length=32,
            ),
            nullable=False,
        ),
        sa.Column('monthly_amount', sa.BigInteger(), nullable=False),
        sa.Column('mrr_delta', sa.BigInteger(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column(
            'reason',
            sa.Enum(
                'too_expensive', 'not_enough_content', 'content_not_for_me',
                'financial_reasons', 'technical_problems', 'just_trying', 'other',
                name='cancellation_reason', native_enum=False, create_constraint=True,
                length=32,
            ),
            nullable=True,
        ),
        sa.Column('reason_text', sa.String(length=500), nullable=True),
        sa.Column('occurred_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("currency IN ('CZK', 'EUR')", name='currency_supported'),
        sa.CheckConstraint('monthly_amount >= 0', name='monthly_amount_nonnegative'),
        sa.ForeignKeyConstraint(['creator_id'], ['creators.id']),
        sa.ForeignKeyConstraint(['fan_id'], ['users.id']),
        sa.ForeignKeyConstraint(['membership_id'], ['memberships.id']),
        sa.ForeignKeyConstraint(['tier_id'], ['tiers.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index(
        'ix_membership_events_occurred', 'membership_events', ['occurred_at', 'id']
    )
    op.create_index(
        'ix_membership_events_creator_occurred',
        'membership_events',
        ['creator_id', 'occurred_at', 'id'],
    )
    op.create_index(
        'ix_membership_events_membership', 'membership_events', ['membership_id', 'id']
    )
    for statement in (*APPEND_ONLY, *BACKFILL):
        op.execute(statement)
    op.create_table(
        'creator_monthly_stats',
        sa.Column('creator_id', sa.Uuid(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('active_start', sa.Integer(), nullable=False),
        sa.Column('active_end', sa.Integer(), nullable=False),
        sa.Column('new_members', sa.Integer(), nullable=False),
        sa.Column('churned', sa.Integer(), nullable=False),
        sa.Column('mrr_start', sa.BigInteger(), nullable=False),
        sa.Column('mrr_end', sa.BigInteger(), nullable=False),
        sa.Column('membership_revenue', sa.BigInteger(), nullable=False),
        sa.Column('tips', sa.BigInteger(), nullable=False),
        sa.Column('unlocks', sa.BigInteger(), nullable=False),
        sa.Column('refunds', sa.BigInteger(), nullable=False),
        sa.Column('final', sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column('computed_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("currency IN ('CZK', 'EUR')", name='currency_supported'),
        sa.ForeignKeyConstraint(['creator_id'], ['creators.id']),
        sa.PrimaryKeyConstraint('creator_id', 'month', 'currency'),
    )
    op.create_table(
        'creator_monthly_tier_revenue',
        sa.Column('creator_id', sa.Uuid(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('tier_id', sa.Uuid(), nullable=False),
        sa.Column('gross', sa.BigInteger(), nullable=False),
        sa.Column('refunds', sa.BigInteger(), nullable=False),
        sa.CheckConstraint("currency IN ('CZK', 'EUR')", name='currency_supported'),
        sa.ForeignKeyConstraint(['creator_id'], ['creators.id']),
        sa.ForeignKeyConstraint(['tier_id'], ['tiers.id']),
        sa.PrimaryKeyConstraint('creator_id', 'month', 'currency', 'tier_id'),
    )
    op.create_table(
        'creator_monthly_cancellations',
        sa.Column('creator_id', sa.Uuid(), nullable=False),
        sa.Column('month', sa.Date(), nullable=False),
        sa.Column('reason', sa.String(length=32), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['creator_id'], ['creators.id']),
        sa.PrimaryKeyConstraint('creator_id', 'month', 'reason'),
    )
    with op.get_context().autocommit_block():
        for name, columns in MEMBERS_INDEXES.items():
            op.execute(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON memberships ({columns})')
        for name, (table, columns) in OTHER_INDEXES.items():
            op.execute(f'CREATE INDEX CONCURRENTLY IF NOT EXISTS {name} ON {table} ({columns})')


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name in [*MEMBERS_INDEXES, *OTHER_INDEXES]:
            op.execute(f'DROP INDEX CONCURRENTLY IF EXISTS {name}')
    op.drop_table('creator_monthly_cancellations')
    op.drop_table('creator_monthly_tier_revenue')
    op.drop_table('creator_monthly_stats')
    op.execute('DROP TRIGGER IF EXISTS membership_events_append_only ON membership_events')
    op.execute('DROP FUNCTION IF EXISTS membership_events_refuse_change()')
    op.drop_table('membership_events')
    op.drop_column('users', 'share_email_with_creators')
