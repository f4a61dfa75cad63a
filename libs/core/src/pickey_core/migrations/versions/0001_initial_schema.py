"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-26 19:21:08.822257
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute(
        sa.schema.CreateSequence(
            sa.Sequence('payment_order_number_seq', start=1, maxvalue=999_999_999_999_999)
        )
    )
    op.create_table('idempotency_keys',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('result', postgresql.JSONB(astext_type=sa.Text()), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_idempotency_keys'))
    )
    op.create_table('outbox',
    sa.Column('queue', sa.String(length=64), nullable=False),
    sa.Column('job_name', sa.String(length=128), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('dispatched_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('dispatch_count', sa.Integer(), server_default='0', nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('abandoned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox'))
    )
    op.create_index('ix_outbox_unfinished', 'outbox', ['created_at'], unique=False, postgresql_where=sa.text('completed_at IS NULL'))
    op.create_table('users',
    sa.Column('email', sa.String(length=320), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('locale', sa.String(length=2), server_default='cs', nullable=False),
    sa.Column('email_verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('password_changed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('is_staff', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("locale IN ('cs', 'en')", name=op.f('ck_users_locale_supported')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users'))
    )
    op.create_index('uq_users_email_lower', 'users', [sa.literal_column('lower(email)')], unique=True)
    op.create_table('webhook_inbox',
    sa.Column('provider', sa.String(length=32), nullable=False),
    sa.Column('external_id', sa.String(length=255), nullable=False),
    sa.Column('event_type', sa.String(length=128), nullable=False),
    sa.Column('payload', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_inbox')),
    sa.UniqueConstraint('provider', 'external_id', name=op.f('uq_webhook_inbox_provider_external_id'))
    )
    op.create_index('ix_webhook_inbox_unprocessed', 'webhook_inbox', ['created_at'], unique=False, postgresql_where=sa.text('processed_at IS NULL'))
    op.create_table('creators',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('display_name', sa.String(length=100), nullable=False),
    sa.Column('bio', sa.Text(), server_default='', nullable=False),
    sa.Column('avatar_asset_id', sa.Uuid(), nullable=True),
    sa.Column('cover_asset_id', sa.Uuid(), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_creators_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_creators')),
    sa.UniqueConstraint('slug', name=op.f('uq_creators_slug')),
    sa.UniqueConstraint('user_id', name=op.f('uq_creators_user_id'))
    )
    op.create_table('notification_preferences',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('category', sa.String(length=64), nullable=False),
    sa.Column('channel', sa.Enum('in_app', 'email', 'realtime', name='preference_channel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_preferences_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'category', 'channel', name=op.f('pk_notification_preferences'))
    )
    op.create_table('notifications',
    sa.Column('event_key', sa.String(length=200), nullable=False),
    sa.Column('recipient_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=64), nullable=False),
    sa.Column('data', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['recipient_id'], ['users.id'], name=op.f('fk_notifications_recipient_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications')),
    sa.UniqueConstraint('event_key', 'recipient_id', name=op.f('uq_notifications_event_key_recipient_id'))
    )
    op.create_index('ix_notifications_recipient_feed', 'notifications', ['recipient_id', sa.literal_column('created_at DESC'), sa.literal_column('id DESC')], unique=False)
    op.create_table('follows',
    sa.Column('follower_id', sa.Uuid(), nullable=False),
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_follows_creator_id_creators')),
    sa.ForeignKeyConstraint(['follower_id'], ['users.id'], name=op.f('fk_follows_follower_id_users')),
    sa.PrimaryKeyConstraint('follower_id', 'creator_id', name=op.f('pk_follows'))
    )
    op.create_index('ix_follows_creator_follower', 'follows', ['creator_id', 'follower_id'], unique=False)
    op.create_table('notification_deliveries',
    sa.Column('notification_id', sa.Uuid(), nullable=False),
    sa.Column('channel', sa.Enum('in_app', 'email', 'realtime', name='delivery_channel', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state', sa.Enum('pending', 'sending', 'sent', 'failed', 'suppressed', name='delivery_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('attempts', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('provider_message_id', sa.String(length=255), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['notification_id'], ['notifications.id'], name=op.f('fk_notification_deliveries_notification_id_notifications')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_deliveries')),
    sa.UniqueConstraint('notification_id', 'channel', name=op.f('uq_notification_deliveries_notification_id_channel'))
    )
    op.create_index('ix_notification_deliveries_unfinished', 'notification_deliveries', ['updated_at'], unique=False, postgresql_where=sa.text("state IN ('pending', 'sending')"))
    op.create_table('posts',
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.Enum('text', 'photo', 'video', 'poll', 'live', name='post_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('draft', 'scheduled', 'published', name='post_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('access', sa.Enum('public', 'members', 'paid', name='post_access', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), server_default='', nullable=False),
    sa.Column('min_tier_price', sa.Integer(), nullable=True),
    sa.Column('unlock_price_amount', sa.Integer(), nullable=True),
    sa.Column('unlock_currency', sa.String(length=3), nullable=True),
    sa.Column('publish_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('media_ready', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('announced_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("unlock_currency IN ('CZK', 'EUR')", name=op.f('ck_posts_unlock_currency_supported')),
    sa.CheckConstraint('unlock_price_amount > 0', name=op.f('ck_posts_unlock_price_positive')),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_posts_creator_id_creators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_posts'))
    )
    op.create_index('ix_posts_creator_created', 'posts', ['creator_id', 'created_at'], unique=False)
    op.create_index('ix_posts_creator_feed', 'posts', ['creator_id', sa.literal_column('published_at DESC'), sa.literal_column('id DESC')], unique=False, postgresql_where=sa.text("status = 'published' AND media_ready AND deleted_at IS NULL"))
    op.create_index('ix_posts_scheduled_due', 'posts', ['publish_at'], unique=False, postgresql_where=sa.text("status = 'scheduled' AND deleted_at IS NULL"))
    op.create_table('tiers',
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('description', sa.Text(), server_default='', nullable=False),
    sa.Column('price_amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('position', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("currency IN ('CZK', 'EUR')", name=op.f('ck_tiers_currency_supported')),
    sa.CheckConstraint('price_amount > 0', name=op.f('ck_tiers_price_positive')),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_tiers_creator_id_creators')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tiers'))
    )
    op.create_index('ix_tiers_creator_position', 'tiers', ['creator_id', 'position'], unique=False)
    op.create_table('comments',
    sa.Column('post_id', sa.Uuid(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('parent_id', sa.Uuid(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('deleted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_comments_author_id_users')),
    sa.ForeignKeyConstraint(['parent_id'], ['comments.id'], name=op.f('fk_comments_parent_id_comments')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_comments_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_comments'))
    )
    op.create_index('ix_comments_post_created', 'comments', ['post_id', 'created_at', 'id'], unique=False)
    op.create_table('likes',
    sa.Column('post_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_likes_post_id_posts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_likes_user_id_users')),
    sa.PrimaryKeyConstraint('post_id', 'user_id', name=op.f('pk_likes'))
    )
    op.create_index('ix_likes_user', 'likes', ['user_id'], unique=False)
    op.create_table('live_streams',
    sa.Column('post_id', sa.Uuid(), nullable=False),
    sa.Column('scheduled_start_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('mux_live_stream_id', sa.String(length=255), nullable=True),
    sa.Column('mux_stream_key', sa.String(length=255), nullable=True),
    sa.Column('playback_id', sa.String(length=255), nullable=True),
    sa.Column('playback_policy', sa.String(length=16), nullable=True),
    sa.Column('state', sa.Enum('idle', 'connected', 'active', 'disconnected', 'ended', 'disabled', name='live_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('active_asset_id', sa.String(length=255), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_live_streams_post_id_posts')),
    sa.PrimaryKeyConstraint('post_id', name=op.f('pk_live_streams')),
    sa.UniqueConstraint('mux_live_stream_id', name=op.f('uq_live_streams_mux_live_stream_id'))
    )
    op.create_table('media_assets',
    sa.Column('owner_id', sa.Uuid(), nullable=False),
    sa.Column('post_id', sa.Uuid(), nullable=True),
    sa.Column('position', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('kind', sa.Enum('image', 'video', name='media_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('status', sa.Enum('waiting', 'uploaded', 'processing', 'ready', 'failed', name='media_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('failure_reason', sa.Text(), nullable=True),
    sa.Column('original_key', sa.String(length=1024), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=True),
    sa.Column('byte_size', sa.BigInteger(), nullable=True),
    sa.Column('width', sa.Integer(), nullable=True),
    sa.Column('height', sa.Integer(), nullable=True),
    sa.Column('variants', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'::jsonb"), nullable=False),
    sa.Column('mux_upload_id', sa.String(length=255), nullable=True),
    sa.Column('mux_asset_id', sa.String(length=255), nullable=True),
    sa.Column('playback_id', sa.String(length=255), nullable=True),
    sa.Column('playback_policy', sa.String(length=16), nullable=True),
    sa.Column('duration_seconds', sa.Float(), nullable=True),
    sa.Column('aspect_ratio', sa.String(length=16), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_media_assets_owner_id_users')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_media_assets_post_id_posts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media_assets')),
    sa.UniqueConstraint('mux_asset_id', name=op.f('uq_media_assets_mux_asset_id')),
    sa.UniqueConstraint('mux_upload_id', name=op.f('uq_media_assets_mux_upload_id'))
    )
    op.create_index('ix_media_assets_post_position', 'media_assets', ['post_id', 'position'], unique=False)
    op.create_table('memberships',
    sa.Column('fan_id', sa.Uuid(), nullable=False),
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('tier_id', sa.Uuid(), nullable=False),
    sa.Column('next_tier_id', sa.Uuid(), nullable=True),
    sa.Column('status', sa.Enum('pending', 'active', 'past_due', 'lapsed', 'cancelled', name='membership_status', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('current_period_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('current_period_end', sa.DateTime(timezone=True), nullable=True),
    sa.Column('cancel_at_period_end', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('master_payment_id', sa.Uuid(), nullable=True),
    sa.Column('renewal_failures', sa.SmallInteger(), server_default='0', nullable=False),
    sa.Column('next_retry_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_memberships_creator_id_creators')),
    sa.ForeignKeyConstraint(['fan_id'], ['users.id'], name=op.f('fk_memberships_fan_id_users')),
    sa.ForeignKeyConstraint(['next_tier_id'], ['tiers.id'], name=op.f('fk_memberships_next_tier_id_tiers')),
    sa.ForeignKeyConstraint(['tier_id'], ['tiers.id'], name=op.f('fk_memberships_tier_id_tiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_memberships'))
    )
    op.create_index('ix_memberships_creator_status_fan', 'memberships', ['creator_id', 'status', 'fan_id'], unique=False)
    op.create_index('ix_memberships_due', 'memberships', ['current_period_end'], unique=False, postgresql_where=sa.text("status IN ('active', 'past_due')"))
    op.create_index('uq_memberships_held_fan_creator', 'memberships', ['fan_id', 'creator_id'], unique=True, postgresql_where=sa.text("status IN ('active', 'past_due')"))
    op.create_table('polls',
    sa.Column('post_id', sa.Uuid(), nullable=False),
    sa.Column('closes_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('results_visibility', sa.Enum('always', 'after_vote', 'after_close', name='poll_results_visibility', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_polls_post_id_posts')),
    sa.PrimaryKeyConstraint('post_id', name=op.f('pk_polls'))
    )
    op.create_table('post_tiers',
    sa.Column('post_id', sa.Uuid(), nullable=False),
    sa.Column('tier_id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_tiers_post_id_posts')),
    sa.ForeignKeyConstraint(['tier_id'], ['tiers.id'], name=op.f('fk_post_tiers_tier_id_tiers')),
    sa.PrimaryKeyConstraint('post_id', 'tier_id', name=op.f('pk_post_tiers'))
    )
    op.create_index('ix_post_tiers_tier', 'post_tiers', ['tier_id'], unique=False)
    op.create_table('payments',
    sa.Column('order_number', sa.String(length=15), server_default=sa.text("(nextval('payment_order_number_seq'::regclass))::text"), nullable=False),
    sa.Column('kind', sa.Enum('membership', 'renewal', 'tip', 'unlock', name='payment_kind', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('state', sa.Enum('created', 'pending', 'paid', 'failed', 'cancelled', 'unknown', name='payment_state', native_enum=False, create_constraint=True, length=32), nullable=False),
    sa.Column('fan_id', sa.Uuid(), nullable=False),
    sa.Column('creator_id', sa.Uuid(), nullable=False),
    sa.Column('membership_id', sa.Uuid(), nullable=True),
    sa.Column('tier_id', sa.Uuid(), nullable=True),
    sa.Column('post_id', sa.Uuid(), nullable=True),
    sa.Column('amount', sa.Integer(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('renewal_key', sa.String(length=100), nullable=True),
    sa.Column('master_payment_id', sa.Uuid(), nullable=True),
    sa.Column('prcode', sa.String(length=8), nullable=True),
    sa.Column('srcode', sa.String(length=8), nullable=True),
    sa.Column('result_text', sa.String(length=255), nullable=True),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("currency IN ('CZK', 'EUR')", name=op.f('ck_payments_currency_supported')),
    sa.CheckConstraint('amount > 0', name=op.f('ck_payments_amount_positive')),
    sa.ForeignKeyConstraint(['creator_id'], ['creators.id'], name=op.f('fk_payments_creator_id_creators')),
    sa.ForeignKeyConstraint(['fan_id'], ['users.id'], name=op.f('fk_payments_fan_id_users')),
    sa.ForeignKeyConstraint(['master_payment_id'], ['payments.id'], name=op.f('fk_payments_master_payment_id_payments')),
    sa.ForeignKeyConstraint(['membership_id'], ['memberships.id'], name=op.f('fk_payments_membership_id_memberships')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_payments_post_id_posts')),
    sa.ForeignKeyConstraint(['tier_id'], ['tiers.id'], name=op.f('fk_payments_tier_id_tiers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments')),
    sa.UniqueConstraint('order_number', name=op.f('uq_payments_order_number')),
    sa.UniqueConstraint('renewal_key', name=op.f('uq_payments_renewal_key'))
    )
    op.create_index('ix_payments_fan_created', 'payments', ['fan_id', 'created_at'], unique=False)
    op.create_index('ix_payments_unsettled', 'payments', ['created_at'], unique=False, postgresql_where=sa.text("state IN ('created', 'pending', 'unknown')"))
    op.create_table('poll_options',
    sa.Column('post_id', sa.Uuid(), nullable=False),
    sa.Column('position', sa.SmallInteger(), nullable=False),
    sa.Column('text', sa.String(length=200), nullable=False),
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.ForeignKeyConstraint(['post_id'], ['polls.post_id'], name=op.f('fk_poll_options_post_id_polls')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_poll_options')),
    sa.UniqueConstraint('post_id', 'position', name=op.f('uq_poll_options_post_id_position'))
    )
    op.create_table('poll_votes',
    sa.Column('post_id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('option_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['option_id'], ['poll_options.id'], name=op.f('fk_poll_votes_option_id_poll_options')),
    sa.ForeignKeyConstraint(['post_id'], ['polls.post_id'], name=op.f('fk_poll_votes_post_id_polls')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_poll_votes_user_id_users')),
    sa.PrimaryKeyConstraint('post_id', 'user_id', name=op.f('pk_poll_votes'))
    )
    op.create_index('ix_poll_votes_option', 'poll_votes', ['option_id'], unique=False)
    op.create_table('post_unlocks',
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('post_id', sa.Uuid(), nullable=False),
    sa.Column('payment_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.ForeignKeyConstraint(['payment_id'], ['payments.id'], name=op.f('fk_post_unlocks_payment_id_payments')),
    sa.ForeignKeyConstraint(['post_id'], ['posts.id'], name=op.f('fk_post_unlocks_post_id_posts')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_post_unlocks_user_id_users')),
    sa.PrimaryKeyConstraint('user_id', 'post_id', name=op.f('pk_post_unlocks')),
    sa.UniqueConstraint('payment_id', name=op.f('uq_post_unlocks_payment_id'))
    )
    # Foreign keys that close a cycle between tables are added once every table exists.
    op.create_foreign_key(op.f('fk_creators_avatar_asset_id_media_assets'), 'creators', 'media_assets', ['avatar_asset_id'], ['id'])
    op.create_foreign_key(op.f('fk_creators_cover_asset_id_media_assets'), 'creators', 'media_assets', ['cover_asset_id'], ['id'])
    op.create_foreign_key(op.f('fk_memberships_master_payment_id_payments'), 'memberships', 'payments', ['master_payment_id'], ['id'])


def downgrade() -> None:
    op.drop_constraint(op.f('fk_memberships_master_payment_id_payments'), 'memberships', type_='foreignkey')
    op.drop_constraint(op.f('fk_creators_cover_asset_id_media_assets'), 'creators', type_='foreignkey')
    op.drop_constraint(op.f('fk_creators_avatar_asset_id_media_assets'), 'creators', type_='foreignkey')
    op.drop_table('post_unlocks')
    op.drop_index('ix_poll_votes_option', table_name='poll_votes')
    op.drop_table('poll_votes')
    op.drop_table('poll_options')
    op.drop_index('ix_payments_unsettled', table_name='payments', postgresql_where=sa.text("state IN ('created', 'pending', 'unknown')"))
    op.drop_index('ix_payments_fan_created', table_name='payments')
    op.drop_table('payments')
    op.drop_index('ix_post_tiers_tier', table_name='post_tiers')
    op.drop_table('post_tiers')
    op.drop_table('polls')
    op.drop_index('uq_memberships_held_fan_creator', table_name='memberships', postgresql_where=sa.text("status IN ('active', 'past_due')"))
    op.drop_index('ix_memberships_due', table_name='memberships', postgresql_where=sa.text("status IN ('active', 'past_due')"))
    op.drop_index('ix_memberships_creator_status_fan', table_name='memberships')
    op.drop_table('memberships')
    op.drop_index('ix_media_assets_post_position', table_name='media_assets')
    op.drop_table('media_assets')
    op.drop_table('live_streams')
    op.drop_index('ix_likes_user', table_name='likes')
    op.drop_table('likes')
    op.drop_index('ix_comments_post_created', table_name='comments')
    op.drop_table('comments')
    op.drop_index('ix_tiers_creator_position', table_name='tiers')
    op.drop_table('tiers')
    op.drop_index('ix_posts_scheduled_due', table_name='posts', postgresql_where=sa.text("status = 'scheduled' AND deleted_at IS NULL"))
    op.drop_index('ix_posts_creator_feed', table_name='posts', postgresql_where=sa.text("status = 'published' AND media_ready AND deleted_at IS NULL"))
    op.drop_index('ix_posts_creator_created', table_name='posts')
    op.drop_table('posts')
    op.drop_index('ix_notification_deliveries_unfinished', table_name='notification_deliveries', postgresql_where=sa.text("state IN ('pending', 'sending')"))
    op.drop_table('notification_deliveries')
    op.drop_index('ix_follows_creator_follower', table_name='follows')
    op.drop_table('follows')
    op.drop_index('ix_notifications_recipient_feed', table_name='notifications')
    op.drop_table('notifications')
    op.drop_table('notification_preferences')
    op.drop_table('creators')
    op.drop_index('ix_webhook_inbox_unprocessed', table_name='webhook_inbox', postgresql_where=sa.text('processed_at IS NULL'))
    op.drop_table('webhook_inbox')
    op.drop_index('uq_users_email_lower', table_name='users')
    op.drop_table('users')
    op.drop_index('ix_outbox_unfinished', table_name='outbox', postgresql_where=sa.text('completed_at IS NULL'))
    op.drop_table('outbox')
    op.drop_table('idempotency_keys')
    op.execute(sa.schema.DropSequence(sa.Sequence('payment_order_number_seq')))
