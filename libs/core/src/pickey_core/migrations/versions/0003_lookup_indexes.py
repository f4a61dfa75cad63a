"""Indexes for account pages, GDPR export and deletion, tier holders and unread counts.

Built CONCURRENTLY (outside a transaction) so writes go on while they build, as every index on
a live table should be (README: expand/contract). ``IF NOT EXISTS`` makes a retried deploy after
a failed build safe; an INVALID index left by a failed concurrent build must be dropped by hand.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 20:52:17
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0003'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

INDEXES = [
    ('ix_comments_author', 'comments', ['author_id'], None),
    ('ix_media_assets_owner', 'media_assets', ['owner_id'], None),
    ('ix_memberships_fan', 'memberships', ['fan_id'], None),
    ('ix_memberships_tier', 'memberships', ['tier_id'], None),
    ('ix_notifications_unread', 'notifications', ['recipient_id'], 'read_at IS NULL'),
    ('ix_poll_votes_user', 'poll_votes', ['user_id'], None),
]


def upgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table, columns, where in INDEXES:
            op.create_index(
                name,
                table,
                columns,
                unique=False,
                postgresql_concurrently=True,
                postgresql_where=sa.text(where) if where else None,
                if_not_exists=True,
            )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        for name, table, _, _ in reversed(INDEXES):
            op.drop_index(name, table_name=table, postgresql_concurrently=True, if_exists=True)
