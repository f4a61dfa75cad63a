"""discount codes, gift and comp memberships (issue 16, offers)

* ``discount_codes``: a creator's codes (percent or fixed, N periods or forever, use limit kept
  by a CHECK beside the conditional increment, expiry, tiers).
* ``discount_redemptions``: one use per fan and code.
* ``payment_discounts``: list price and discount of each discounted payment (receipts).
* ``payments.kind`` may be ``gift``; ``gifts``: gift memberships bought for an e-mail address,
  redeemed once by code; ``membership_grants``: free months given to a membership (a redeemed
  gift or a creator's comp).

New tables only: expand only.

Revision ID: 0010_offers
Revises: 0009
Create Date: 2026-12-06 19:38:20.272594
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0010_offers'
down_revision: str | None = '0009'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('discount_codes',
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('kind', sa.Enum('percent', 'fixed', name='discount_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('percent_off', sa.SmallInteger(), nullable=True),
    sa.Column('amount_off', sa.Integer(), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('duration_periods', sa.SmallInteger(), nullable=True),
    sa.Column('max_redemptions', sa.Integer(), nullable=True),
    sa.Column('redemptions_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('tier_ids', postgresql.ARRAY(sa.Uuid()), nullable=True),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expiry_notified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("(kind = 'percent' AND percent_off BETWEEN 1 AND 99 AND amount_off IS NULL AND currency IS NULL) OR (kind = 'fixed' AND amount_off > 0 AND percent_off IS NULL AND currency IN ('CZK', 'EUR'))", name=op.f('ck_discount_codes_amount_of_kind')),
    sa.CheckConstraint('duration_periods IS NULL OR duration_periods > 0', name=op.f('ck_discount_codes_duration')),
    sa.CheckConstraint('max_redemptions IS NULL OR redemptions_count <= max_redemptions', name=op.f('ck_discount_codes_within_limit')),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_discount_codes_creator_id_creators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discount_codes')),
    sa.UniqueConstraint('creator_id', 'code', name=op.f('uq_discount_codes_creator_id_code'))
    )
    op.create_index('ix_discount_codes_creator_created', 'discount_codes', ['creator_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_discount_codes_expiring', 'discount_codes', ['expires_at'], unique=False, postgresql_where=sa.text('expires_at IS NOT NULL AND expiry_notified_at IS NULL'))
    op.create_table('discount_redemptions',
    sa.Column('discount_code_id', sa.Uuid(), nullable=False),
    sa.Column('fan_id', sa.Uuid(), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['discount_code_id'], ['discount_codes.id'], name=op.f('fk_discount_redemptions_discount_code_id_discount_codes')),
    sa.ForeignKeyConstraint(['fan_id'], ['users.id'], name=op.f('fk_discount_redemptions_fan_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_discount_redemptions')),
    sa.UniqueConstraint('discount_code_id', 'fan_id', name=op.f('uq_discount_redemptions_discount_code_id_fan_id'))
    )
    op.create_table('payment_discounts',
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('redemption_id', sa.Uuid(), nullable=False),
    sa.Column('list_amount', sa.Integer(), nullable=False),
    sa.Column('discount_amount', sa.Integer(), nullable=False),
    sa.CheckConstraint('discount_amount > 0 AND discount_amount < list_amount', name=op.f('ck_payment_discounts_amount')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_payment_discounts_payment_id_payments')),
    sa.ForeignKeyConstraint(['redemption_id'], ['discount_redemptions.id'], name=op.f('fk_payment_discounts_redemption_id_discount_redemptions')),
    sa.PrimaryKeyConstraint('payment_id', name=op.f('pk_payment_discounts'))
    )
    op.create_index('ix_payment_discounts_redemption', 'payment_discounts', ['redemption_id'], unique=False)
    # A new payment kind: the kind column is text with a CHECK (no native enum to alter).
    op.drop_constraint(op.f('ck_payments_payment_kind'), 'payments', type_='check')
    op.create_check_constraint(op.f('ck_payments_payment_kind'), 'payments', "kind IN ('membership', 'renewal', 'tip', 'unlock', 'gift')")
    op.create_table('gifts',
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('purchaser_id', sa.Uuid(), nullable=False),
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('tier_id', sa.Uuid(), nullable=False),
    sa.Column('months', sa.SmallInteger(), nullable=False),
    sa.Column('recipient_email', sa.String(length=320), nullable=False),
    sa.Column('code', sa.String(length=32), nullable=False),
    sa.Column('redeemed_by', sa.Uuid(), nullable=True),
    sa.Column('redeemed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('months IN (1, 3, 12)', name=op.f('ck_gifts_months')),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_gifts_creator_id_creators')),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_gifts_payment_id_payments')),
    sa.ForeignKeyConstraint(['purchaser_id'], ['users.id'], name=op.f('fk_gifts_purchaser_id_users')),
    sa.ForeignKeyConstraint(['redeemed_by'], ['users.id'], name=op.f('fk_gifts_redeemed_by_users')),
    sa.ForeignKeyConstraint(['tier_id'], ['tiers.id'], name=op.f('fk_gifts_tier_id_tiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gifts')),
    sa.UniqueConstraint('code', name=op.f('uq_gifts_code')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_gifts_payment_id'))
    )
    op.create_table('membership_grants',
    sa.Column('membership_id', sa.Uuid(), nullable=False),
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('fan_id', sa.Uuid(), nullable=False),
    sa.Column('tier_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('gift', 'comp', name='grant_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('gift_id', sa.Uuid(), nullable=True),
    sa.Column('months', sa.SmallInteger(), nullable=False),
    sa.Column('period_end_before', sa.DateTime(timezone=True), nullable=True),
    sa.Column('period_end_after', sa.DateTime(timezone=True), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_membership_grants_creator_id_creators')),
    sa.ForeignKeyConstraint(['fan_id'], ['users.id'], name=op.f('fk_membership_grants_fan_id_users')),
    sa.ForeignKeyConstraint(['gift_id'], ['gifts.id'], name=op.f('fk_membership_grants_gift_id_gifts')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_membership_grants_membership_id_memberships')),
    sa.ForeignKeyConstraint(['tier_id'], ['tiers.id'], name=op.f('fk_membership_grants_tier_id_tiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_membership_grants')),
    sa.UniqueConstraint('gift_id', name=op.f('uq_membership_grants_gift_id'))
    )
    op.create_index('ix_membership_grants_creator_created', 'membership_grants', ['creator_id', 'created_at', 'id'], unique=False)
    op.create_index('ix_membership_grants_membership', 'membership_grants', ['membership_id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_membership_grants_membership', table_name='membership_grants')
    op.drop_index('ix_membership_grants_creator_created', table_name='membership_grants')
    op.drop_table('membership_grants')
    op.drop_table('gifts')
    op.drop_constraint(op.f('ck_payments_payment_kind'), 'payments', type_='check')
    op.create_check_constraint(op.f('ck_payments_payment_kind'), 'payments', "kind IN ('membership', 'renewal', 'tip', 'unlock')")
    op.drop_index('ix_payment_discounts_redemption', table_name='payment_discounts')
    op.drop_table('payment_discounts')
    op.drop_table('discount_redemptions')
    op.drop_index('ix_discount_codes_expiring', table_name='discount_codes', postgresql_where=sa.text('expires_at IS NOT NULL AND expiry_notified_at IS NULL'))
    op.drop_index('ix_discount_codes_creator_created', table_name='discount_codes')
    op.drop_table('discount_codes')
