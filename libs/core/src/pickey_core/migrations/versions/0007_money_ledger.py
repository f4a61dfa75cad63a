"""money: the ledger, refunds, fee terms, payout accounts, payout batches, document series

* ``ledger_transactions`` / ``ledger_entries``: the append-only double-entry ledger (integer minor
  units, credit positive). Two database guards, so no code path can get around them:
  - ``ledger_entries_balanced``: a DEFERRABLE INITIALLY DEFERRED constraint trigger; at commit,
    every transaction an inserted entry belongs to must sum to zero in each currency.
  - ``ledger_append_only``: UPDATE and DELETE of entries or transactions raise. (TRUNCATE is
    not blocked: only tests and restores truncate.)
* ``refunds``: gateway refunds (``processRefund``), with a unique WS ``message_id``.
* ``creator_fee_terms``: a creator's own platform fee (null = the default from settings).
* ``payout_accounts`` (history, newest wins), ``payout_batches`` (unique per period: the monthly
  run happens once), ``payouts``, ``payout_orders`` (the batch's pain.001 file per currency).
* ``document_series``: gap-free numbers for receipts and self-billing invoices.
* ``users.is_operator``: the operator role (default false).

Only new tables and one column with a constant default (instant in PostgreSQL 11+): expand only.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-06 16:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEDGER_GUARDS = (
    """
    CREATE FUNCTION ledger_check_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        unbalanced record;
    BEGIN
        SELECT currency, sum(amount) AS total INTO unbalanced
        FROM ledger_entries
        WHERE transaction_id = NEW.transaction_id
        GROUP BY currency
        HAVING sum(amount) <> 0
        LIMIT 1;
        IF FOUND THEN
            RAISE EXCEPTION 'ledger transaction % does not balance: % % left over',
                NEW.transaction_id, unbalanced.total, unbalanced.currency
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE CONSTRAINT TRIGGER ledger_entries_balanced
    AFTER INSERT ON ledger_entries
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION ledger_check_balanced()
    """,
    """
    CREATE FUNCTION ledger_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        RAISE EXCEPTION '% is append-only: book a reversing transaction instead of %',
            TG_TABLE_NAME, TG_OP
            USING ERRCODE = 'restrict_violation';
    END
    $$
    """,
    """
    CREATE TRIGGER ledger_entries_append_only
    BEFORE UPDATE OR DELETE ON ledger_entries
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
    """,
    """
    CREATE TRIGGER ledger_transactions_append_only
    BEFORE UPDATE OR DELETE ON ledger_transactions
    FOR EACH ROW EXECUTE FUNCTION ledger_refuse_change()
    """,
)

DROP_LEDGER_GUARDS = (
    'DROP TRIGGER IF EXISTS ledger_transactions_append_only ON ledger_transactions',
    'DROP TRIGGER IF EXISTS ledger_entries_append_only ON ledger_entries',
    'DROP FUNCTION IF EXISTS ledger_refuse_change()',
    'DROP TRIGGER IF EXISTS ledger_entries_balanced ON ledger_entries',
    'DROP FUNCTION IF EXISTS ledger_check_balanced()',
)


def upgrade() -> None:
    op.create_table('document_series',
    sa.Column('series', sa.String(length=8), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('next_number', sa.Integer(), nullable=False),
    sa.CheckConstraint('next_number > 0', name=op.f('ck_document_series_next_number_positive')),
    sa.PrimaryKeyConstraint('series', 'year', name=op.f('pk_document_series'))
    )
    op.create_table('payout_batches',
    sa.Column('period', sa.String(length=7), nullable=False),
    sa.Column('state', sa.Enum('created', 'sent', 'paid', 'failed', name='payout_batch_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_batches')),
    sa.UniqueConstraint('period', name=op.f('uq_payout_batches_period'))
    )
    op.create_table('payout_orders',
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('document', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['batch_id'], ['payout_batches.id'], name=op.f('fk_payout_orders_batch_id_payout_batches')),
    sa.PrimaryKeyConstraint('batch_id', 'currency', name=op.f('pk_payout_orders'))
    )
    op.create_table('creator_fee_terms',
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('fee_bps', sa.Integer(), nullable=True),
    sa.Column('fee_fixed', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('fee_bps BETWEEN 0 AND 10000', name=op.f('ck_creator_fee_terms_fee_bps_range')),
    sa.CheckConstraint('fee_fixed >= 0', name=op.f('ck_creator_fee_terms_fee_fixed_nonnegative')),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_creator_fee_terms_creator_id_creators')),
    sa.PrimaryKeyConstraint('creator_id', name=op.f('pk_creator_fee_terms'))
    )
    op.create_table('payout_accounts',
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('iban', sa.String(length=34), nullable=False),
    sa.Column('holder_name', sa.String(length=70), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_payout_accounts_creator_id_creators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payout_accounts'))
    )
    op.create_index('ix_payout_accounts_creator_created', 'payout_accounts', ['creator_id', 'created_at'], unique=False)
    op.create_table('payouts',
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('payout_account_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('state', sa.Enum('created', 'sent', 'paid', 'failed', name='payout_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('statement_number', sa.String(length=20), nullable=True),
    sa.Column('last_entry_id', sa.BigInteger(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("currency IN ('CZK', 'EUR')", name=op.f('ck_payouts_currency_supported')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payouts_amount_positive')),
    sa.ForeignKeyConstraint(['batch_id'], ['payout_batches.id'], name=op.f('fk_payouts_batch_id_payout_batches')),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_payouts_creator_id_creators')),
    sa.ForeignKeyConstraint(['payout_account_id'], ['payout_accounts.id'], name=op.f('fk_payouts_payout_account_id_payout_accounts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payouts')),
    sa.UniqueConstraint('batch_id', 'creator_id', 'currency', name=op.f('uq_payouts_batch_id_creator_id_currency')),
    sa.UniqueConstraint('statement_number', name=op.f('uq_payouts_statement_number'))
    )
    op.create_index('ix_payouts_creator_created', 'payouts', ['creator_id', 'created_at', 'id'], unique=False)
    op.create_table('refunds',
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('state', sa.Enum('requested', 'pending', 'succeeded', 'failed', 'unknown', name='refund_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('message_id', sa.String(length=64), nullable=False),
    sa.Column('requested_by', sa.Uuid(), nullable=True),
    sa.Column('reason', sa.Text(), server_default='', nullable=False),
    sa.Column('ends_access', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('automatic', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('prcode', sa.String(length=8), nullable=True),
    sa.Column('srcode', sa.String(length=8), nullable=True),
    sa.Column('result_text', sa.String(length=255), nullable=True),
    sa.Column('gateway_called_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('settled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("currency IN ('CZK', 'EUR')", name=op.f('ck_refunds_currency_supported')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_refunds_amount_positive')),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_refunds_creator_id_creators')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_refunds_payment_id_payments')),
    sa.ForeignKeyConstraint(['requested_by'], ['users.id'], name=op.f('fk_refunds_requested_by_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_refunds')),
    sa.UniqueConstraint('message_id', name=op.f('uq_refunds_message_id'))
    )
    op.create_index('ix_refunds_payment', 'refunds', ['payment_id'], unique=False)
    op.create_index('ix_refunds_creator_created_id', 'refunds', ['creator_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_refunds_unsettled', 'refunds', ['created_at'], unique=False, postgresql_where=sa.text("state IN ('requested', 'pending', 'unknown')"))
    op.create_table('ledger_transactions',
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('payment', 'refund_reserved', 'refund_paid', 'refund_released', 'payout', 'payout_paid', 'payout_failed', name='ledger_tx_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('payment_id', sa.Uuid(), nullable=True),
    sa.Column('refund_id', sa.Uuid(), nullable=True),
    sa.Column('payout_id', sa.Uuid(), nullable=True),
    sa.Column('creator_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_ledger_transactions_creator_id_creators')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_ledger_transactions_payment_id_payments')),
    sa.ForeignKeyConstraint(['payout_id'], ['payouts.id'], name=op.f('fk_ledger_transactions_payout_id_payouts')),
    sa.ForeignKeyConstraint(['refund_id'], ['refunds.id'], name=op.f('fk_ledger_transactions_refund_id_refunds')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_transactions')),
    sa.UniqueConstraint('key', name=op.f('uq_ledger_transactions_key'))
    )
    op.create_index('ix_ledger_transactions_payment', 'ledger_transactions', ['payment_id'], unique=False, postgresql_where=sa.text('payment_id IS NOT NULL'))
    op.create_index('ix_ledger_transactions_payout', 'ledger_transactions', ['payout_id'], unique=False, postgresql_where=sa.text('payout_id IS NOT NULL'))
    op.create_index('ix_ledger_transactions_refund', 'ledger_transactions', ['refund_id'], unique=False, postgresql_where=sa.text('refund_id IS NOT NULL'))
    op.create_table('ledger_entries',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=False), nullable=False),
    sa.Column('transaction_id', sa.Uuid(), nullable=False),
    sa.Column('account', sa.Enum('creator', 'platform_revenue', 'vat_payable', 'gateway_clearing', 'gateway_fees', 'refunds', 'payouts_in_transit', 'payouts_paid', name='ledger_account', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('creator_id', sa.Uuid(), nullable=True),
    sa.Column('type', sa.Enum('payment', 'platform_fee', 'vat', 'gateway_fee', 'refund', 'reversal', 'payout', 'payout_paid', 'payout_failed', name='ledger_entry_type', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("creator_id IS NOT NULL OR account NOT IN ('creator', 'payouts_in_transit')", name=op.f('ck_ledger_entries_creator_accounts_have_creator')),
    sa.CheckConstraint("currency IN ('CZK', 'EUR')", name=op.f('ck_ledger_entries_currency_supported')),
    sa.CheckConstraint('amount <> 0', name=op.f('ck_ledger_entries_amount_nonzero')),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_ledger_entries_creator_id_creators')),
    sa.ForeignKeyConstraint(['transaction_id'], ['ledger_transactions.id'], name=op.f('fk_ledger_entries_transaction_id_ledger_transactions')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_entries'))
    )
    op.create_index('ix_ledger_entries_account_id', 'ledger_entries', ['account', 'id'], unique=False)
    op.create_index('ix_ledger_entries_creator_account', 'ledger_entries', ['creator_id', 'account', 'created_at', 'id'], unique=False, postgresql_where=sa.text('creator_id IS NOT NULL'))
    op.create_index('ix_ledger_entries_transaction', 'ledger_entries', ['transaction_id'], unique=False)
    op.add_column('users', sa.Column('is_operator', sa.Boolean(), server_default=sa.text('false'), nullable=False))
    for statement in LEDGER_GUARDS:
        op.execute(statement)


def downgrade() -> None:
    for statement in DROP_LEDGER_GUARDS:
        op.execute(statement)
    op.drop_column('users', 'is_operator')
    op.drop_index('ix_ledger_entries_transaction', table_name='ledger_entries')
    op.drop_index('ix_ledger_entries_creator_account', table_name='ledger_entries', postgresql_where=sa.text('creator_id IS NOT NULL'))
    op.drop_index('ix_ledger_entries_account_id', table_name='ledger_entries')
    op.drop_table('ledger_entries')
    op.drop_index('ix_ledger_transactions_refund', table_name='ledger_transactions', postgresql_where=sa.text('refund_id IS NOT NULL'))
    op.drop_index('ix_ledger_transactions_payout', table_name='ledger_transactions', postgresql_where=sa.text('payout_id IS NOT NULL'))
    op.drop_index('ix_ledger_transactions_payment', table_name='ledger_transactions', postgresql_where=sa.text('payment_id IS NOT NULL'))
    op.drop_table('ledger_transactions')
    op.drop_index('ix_refunds_unsettled', table_name='refunds', postgresql_where=sa.text("state IN ('requested', 'pending', 'unknown')"))
    op.drop_index('ix_refunds_payment', table_name='refunds')
    op.drop_table('refunds')
    op.drop_index('ix_payouts_creator_created', table_name='payouts')
    op.drop_table('payouts')
    op.drop_index('ix_payout_accounts_creator_created', table_name='payout_accounts')
    op.drop_table('payout_accounts')
    op.drop_table('creator_fee_terms')
    op.drop_table('payout_orders')
    op.drop_table('payout_batches')
    op.drop_table('document_series')
