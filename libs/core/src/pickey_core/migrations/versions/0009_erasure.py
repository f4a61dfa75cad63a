"""erasure and media failure reasons

* ``ix_webhook_inbox_mailgun_recipient``: erasure finds the Mailgun events that carry a
  person's address without reading the whole inbox (built CONCURRENTLY: webhooks keep landing).
* ``media_assets.failure_code``: our own reason for a failed photo or video (the creator's
  notices and post view translate it); ``failure_reason`` keeps the provider's words for support.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-06 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('media_assets', sa.Column('failure_code', sa.String(length=64), nullable=True))
    with op.get_context().autocommit_block():
        op.execute(
            "CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_webhook_inbox_mailgun_recipient "
            "ON webhook_inbox (lower(payload ->> 'recipient')) WHERE provider = 'mailgun'"
        )


def downgrade() -> None:
    with op.get_context().autocommit_block():
        op.execute('DROP INDEX CONCURRENTLY IF EXISTS ix_webhook_inbox_mailgun_recipient')
    op.drop_column('media_assets', 'failure_code')
