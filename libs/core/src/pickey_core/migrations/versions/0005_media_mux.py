"""Mux webhooks: live stream event ordering and live recordings

``live_streams.state_changed_at`` is when Mux reported the stream's current state, so an older
event delivered late changes nothing. ``media_assets.mux_live_stream_id`` marks the recording of
a broadcast until it joins its live post. Both columns are nullable without a default: adding
them does not rewrite the tables. The index is built CONCURRENTLY (outside a transaction) with
``IF NOT EXISTS``, like every index on a live table (see 0003).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 22:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        'live_streams', sa.Column('state_changed_at', sa.DateTime(timezone=True), nullable=True)
    )
    op.add_column(
        'media_assets', sa.Column('mux_live_stream_id', sa.String(length=255), nullable=True)
    )
    with op.get_context().autocommit_block():
        op.create_index(
            'ix_media_assets_mux_live_stream',
            'media_assets',
            ['mux_live_stream_id'],
            unique=False,
            postgresql_concurrently=True,
            postgresql_where=sa.text('mux_live_stream_id IS NOT NULL'),
            if_not_exists=True,
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.drop_index(
            'ix_media_assets_mux_live_stream',
            table_name='media_assets',
            postgresql_concurrently=True,
            if_exists=True,
        )
    op.drop_column('media_assets', 'mux_live_stream_id')
    op.drop_column('live_streams', 'state_changed_at')
