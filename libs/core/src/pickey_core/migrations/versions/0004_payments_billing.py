"""Payments billing state: renewal leases, status checks, manual-payment holds, reminders.

Expand only (README: expand/contract): new nullable columns and columns with constant defaults
(instant in PostgreSQL 11+, no table rewrite), and indexes built CONCURRENTLY. The fan index
gains ``created_at, id`` for keyset pages of a fan's memberships; the old one-column index is
dropped after the new one exists (it is a prefix of it).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TIMESTAMP = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.add_column('payments', sa.Column('period_start', TIMESTAMP, nullable=True))
    op.add_column('payments', sa.Column('gateway_called_at', TIMESTAMP, nullable=True))
    op.add_column('payments', sa.Column('checked_at', TIMESTAMP, nullable=True))
    op.add_column(
        'memberships',
        sa.Column(
            'requires_manual_payment', sa.Boolean(), server_default=sa.false(), nullable=False
        ),
    )
    op.add_column('memberships', sa.Column('reminded_for_period_end', TIMESTAMP, nullable=True))
    with op.get_context().autocommit_block():
        op.create_index(
            'ix_payments_membership',
            'payments',
            ['membership_id'],
            postgresql_concurrently=True,
            postgresql_where=sa.text('membership_id IS NOT NULL'),
            if_not_exists=True,
        )
        op.create_index(
            'ix_memberships_fan_created',
            'memberships',
            ['fan_id', 'created_at', 'id'],
            postgresql_concurrently=True,
            if_not_exists=True,
        )
        op.drop_index(
            'ix_memberships_fan',
            table_name='memberships',
            postgresql_concurrently=True,
            if_exists=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.create_index(
            'ix_memberships_fan',
            'memberships',
            ['fan_id'],
            postgresql_concurrently=True,
            if_not_exists=True,
        )
        op.drop_index(
            'ix_memberships_fan_created',
            table_name='memberships',
            postgresql_concurrently=True,
            if_exists=True,
        )
        op.drop_index(
            'ix_payments_membership',
            table_name='payments',
            postgresql_concurrently=True,
            if_exists=True,
        )
    op.drop_column('memberships', 'reminded_for_period_end')
    op.drop_column('memberships', 'requires_manual_payment')
    op.drop_column('payments', 'checked_at')
    op.drop_column('payments', 'gateway_called_at')
    op.drop_column('payments', 'period_start')
