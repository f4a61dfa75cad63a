"""payments: receipt numbers, and the fan's payment list in keyset order

* ``payments.receipt_number`` (unique, from the ``R`` document series) and
  ``payments.receipt_issued_at``: the simplified tax document of a paid payment (§29 of the Czech
  VAT Act), numbered when the payment is settled paid (or, for payments paid before this
  revision, when the receipt is first shown).
* ``ix_payments_fan_created_id (fan_id, created_at, id)``: the fan's payment list reads a page
  from it in its order (``ix_payments_fan_created`` lacks the tie-breaker; dropping it is left to
  a later contract step).

Nullable columns and a new index only: expand only.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-06 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column('payments', sa.Column('receipt_number', sa.String(length=20), nullable=True))
    op.add_column(
        'payments', sa.Column('receipt_issued_at', sa.DateTime(timezone=True), nullable=True)
    )
    op.create_unique_constraint(
        op.f('uq_payments_receipt_number'), 'payments', ['receipt_number']
    )
    op.create_index(
        'ix_payments_fan_created_id', 'payments', ['fan_id', 'created_at', 'id'], unique=False
    )


def downgrade() -> None:
    op.drop_index('ix_payments_fan_created_id', table_name='payments')
    op.drop_constraint(op.f('uq_payments_receipt_number'), 'payments', type_='unique')
    op.drop_column('payments', 'receipt_issued_at')
    op.drop_column('payments', 'receipt_number')
