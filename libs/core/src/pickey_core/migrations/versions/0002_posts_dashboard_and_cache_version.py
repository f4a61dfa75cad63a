"""posts dashboard indexes and creators.posts_version

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 10:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'creators', sa.Column('posts_version', sa.Integer(), server_default='0', nullable=False)
    )
    op.drop_index('ix_posts_creator_created', table_name='posts')
    op.create_index(
        'ix_posts_creator_dashboard',
        'posts',
        ['creator_id', sa.literal_column('created_at DESC'), sa.literal_column('id DESC')],
        unique=False,
        postgresql_where=sa.text('deleted_at IS NULL'),
    )
    op.create_index(
        'ix_posts_creator_status_dashboard',
        'posts',
        [
            'creator_id',
            'status',
            sa.literal_column('created_at DESC'),
            sa.literal_column('id DESC'),
        ],
        unique=False,
        postgresql_where=sa.text('deleted_at IS NULL'),
    )


def downgrade() -> None:
    op.drop_index(
        'ix_posts_creator_status_dashboard',
        table_name='posts',
        postgresql_where=sa.text('deleted_at IS NULL'),
    )
    op.drop_index(
        'ix_posts_creator_dashboard',
        table_name='posts',
        postgresql_where=sa.text('deleted_at IS NULL'),
    )
    op.create_index('ix_posts_creator_created', 'posts', ['creator_id', 'created_at'], unique=False)
    op.drop_column('creators', 'posts_version')
