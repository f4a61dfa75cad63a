"""notifications: in-app flag, delivery leases, email suppressions

* ``notifications.in_app``: whether the in-app list shows the row (email-only notifications and
  in-app turned off exist for the ledger but are not listed). The list and unread indexes become
  partial on it; existing rows keep showing (default true).
* ``notification_deliveries.lease_expires_at``: a claimed (``sending``) delivery is not claimed
  again until its lease lapses, so concurrent runs never both call the provider.
* ``email_suppressions``: addresses that bounced for good or complained.

The two index swaps run CONCURRENTLY (outside the transaction), so inserts go on while they
build; ``IF [NOT] EXISTS`` makes a retried deploy safe.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 22:30:00
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FEED_COLUMNS: list[Any] = [
    'recipient_id',
    sa.literal_column('created_at DESC'),
    sa.literal_column('id DESC'),
]


def upgrade() -> None:
    op.add_column(
        'notifications',
        sa.Column('in_app', sa.Boolean(), server_default=sa.text('true'), nullable=False),
    )
    op.add_column(
        'notification_deliveries',
        sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        'email_suppressions',
        sa.Column('address', sa.String(length=320), nullable=False),
        sa.Column(
            'reason',
            sa.Enum(
                'bounced',
                'complained',
                name='suppression_reason',
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.Column(
            'created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False
        ),
        sa.Column(
            'updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False
        ),
        sa.PrimaryKeyConstraint('address', name=op.f('pk_email_suppressions')),
    )
    with op.get_context().autocommit_block():
        _swap_index('ix_notifications_recipient_feed', FEED_COLUMNS, 'in_app')
        _swap_index('ix_notifications_unread', ['recipient_id'], 'read_at IS NULL AND in_app')


def downgrade() -> None:
    with op.get_context().autocommit_block():
        _swap_index('ix_notifications_unread', ['recipient_id'], 'read_at IS NULL')
        _swap_index('ix_notifications_recipient_feed', FEED_COLUMNS, None)
    op.drop_table('email_suppressions')
    op.drop_column('notification_deliveries', 'lease_expires_at')
    op.drop_column('notifications', 'in_app')


def _swap_index(name: str, columns: list[Any], where: str | None) -> None:
    """Replace index ``name`` with one of the same name and a new predicate, without locking
    writes: build the new one under a temporary name, drop the old, rename."""
    building = f'{name}_new'
    op.drop_index(building, table_name='notifications', postgresql_concurrently=True, if_exists=True)
    op.create_index(
        building,
        'notifications',
        columns,
        unique=False,
        postgresql_concurrently=True,
        postgresql_where=sa.text(where) if where else None,
    )
    op.drop_index(name, table_name='notifications', postgresql_concurrently=True, if_exists=True)
    op.execute(f'ALTER INDEX {building} RENAME TO {name}')
