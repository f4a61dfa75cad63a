"""annual plans, upgrades charged now, free trials

* ``tiers.yearly_price_amount``: the price of a year paid at once; ``tiers.trial_days``: free days
  a new member may try the tier.
* ``memberships.billing_interval`` (month or year) and ``payments.billing_interval`` (what a
  membership checkout chose); ``memberships.trial``: the current period is a free trial.
* ``payments.kind`` gains ``upgrade``: the prorated difference of an upgrade.
* ``fan_trials``: one free trial per fan and creator, for ever (the primary key).

Revision ID: 0011_plans
Revises: 0010_offers
Create Date: 2026-12-06 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0011_plans'
down_revision: str | None = '0010_offers'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

KINDS_BEFORE = "'membership', 'renewal', 'tip', 'unlock', 'gift'"
INTERVAL = sa.Enum(
    'month', 'year', name='billing_interval', native_enum=False, create_constraint=True, length=32
)


def upgrade() -> None:
    op.add_column('tiers', sa.Column('yearly_price_amount', sa.Integer(), nullable=True))
    op.add_column('tiers', sa.Column('trial_days', sa.SmallInteger(), nullable=True))
    op.create_check_constraint(
        op.f('ck_tiers_yearly_price_positive'), 'tiers', 'yearly_price_amount > 0'
    )
    op.create_check_constraint(
        op.f('ck_tiers_trial_days_range'), 'tiers', 'trial_days BETWEEN 1 AND 90'
    )
    op.add_column(
        'memberships',
        sa.Column('billing_interval', INTERVAL, server_default='month', nullable=False),
    )
    op.add_column(
        'memberships', sa.Column('trial', sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column('payments', sa.Column('billing_interval', INTERVAL, nullable=True))
    op.drop_constraint(op.f('ck_payments_payment_kind'), 'payments', type_='check')
    op.create_check_constraint(
        op.f('ck_payments_payment_kind'), 'payments', f"kind IN ({KINDS_BEFORE}, 'upgrade')"
    )
    op.create_table(
        'fan_trials',
        sa.Column('fan_id', sa.Uuid(), nullable=False),
        sa.Column('creator_id', sa.Uuid(), nullable=False),
        sa.Column('membership_id', sa.Uuid(), nullable=False),
        sa.Column(
            'created_at', sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ['creator_id'], ['creators.id'], name=op.f('fk_fan_trials_creator_id_creators')
        ),
        sa.ForeignKeyConstraint(['fan_id'], ['users.id'], name=op.f('fk_fan_trials_fan_id_users')),
        sa.ForeignKeyConstraint(
            ['membership_id'],
            ['memberships.id'],
            name=op.f('fk_fan_trials_membership_id_memberships'),
        ),
        sa.PrimaryKeyConstraint('fan_id', 'creator_id', name=op.f('pk_fan_trials')),
    )


def downgrade() -> None:
    op.drop_table('fan_trials')
    op.execute("DELETE FROM payments WHERE kind = 'upgrade'")
    op.drop_constraint(op.f('ck_payments_payment_kind'), 'payments', type_='check')
    op.create_check_constraint(op.f('ck_payments_payment_kind'), 'payments', f"kind IN ({KINDS_BEFORE})")
    op.drop_column('payments', 'billing_interval')
    op.drop_column('memberships', 'trial')
    op.drop_column('memberships', 'billing_interval')
    op.drop_constraint(op.f('ck_tiers_trial_days_range'), 'tiers', type_='check')
    op.drop_constraint(op.f('ck_tiers_yearly_price_positive'), 'tiers', type_='check')
    op.drop_column('tiers', 'trial_days')
    op.drop_column('tiers', 'yearly_price_amount')
