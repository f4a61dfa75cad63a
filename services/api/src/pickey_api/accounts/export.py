"""GDPR data export (right of access, art. 15): everything the platform holds about one user.

What is in it: the account, the creator page with its tiers and posts (drafts and deleted ones
too), the user's comments, likes, poll votes, follows, memberships, payments and paid unlocks,
in-app notifications, notification preferences and uploaded media (metadata). What is not: the
password hash, sessions and one-time tokens (secrets, not information about the person), and
other people's data (a creator's members and the payments they made are the members' data).

The export is built in one request with a fixed number of queries (one per section). That is
fine for the accounts we have; a very large one would need an export job writing a file to S3.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Comment,
    Creator,
    Follow,
    Like,
    MediaAsset,
    Membership,
    Notification,
    NotificationPreference,
    Payment,
    PollVote,
    Post,
    PostTier,
    PostUnlock,
    Tier,
    User,
)


class _Row(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class ProfileExport(_Row):
    id: uuid.UUID
    email: str
    display_name: str
    locale: str
    email_verified_at: datetime | None
    password_changed_at: datetime | None
    share_email_with_creators: bool
    created_at: datetime
    updated_at: datetime


class TierExport(_Row):
    id: uuid.UUID
    name: str
    description: str
    price_amount: int
    currency: str
    position: int
    archived_at: datetime | None
    created_at: datetime


class CreatorExport(_Row):
    id: uuid.UUID
    slug: str
    display_name: str
    bio: str
    avatar_asset_id: uuid.UUID | None
    cover_asset_id: uuid.UUID | None
    created_at: datetime
    tiers: list[TierExport] = []


class PostExport(_Row):
    id: uuid.UUID
    kind: str
    status: str
    access: str
    title: str
    body: str
    tier_ids: list[uuid.UUID] = []
    min_tier_price: int | None
    unlock_price_amount: int | None
    unlock_currency: str | None
    publish_at: datetime | None
    published_at: datetime | None
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class CommentExport(_Row):
    id: uuid.UUID
    post_id: uuid.UUID
    parent_id: uuid.UUID | None
    body: str
    created_at: datetime
    updated_at: datetime
    deleted_at: datetime | None


class LikeExport(_Row):
    post_id: uuid.UUID
    created_at: datetime


class PollVoteExport(_Row):
    post_id: uuid.UUID
    option_id: uuid.UUID
    created_at: datetime


class FollowExport(_Row):
    creator_id: uuid.UUID
    created_at: datetime


class MembershipExport(_Row):
    id: uuid.UUID
    creator_id: uuid.UUID
    tier_id: uuid.UUID
    next_tier_id: uuid.UUID | None
    status: str
    current_period_start: datetime | None
    current_period_end: datetime | None
    cancel_at_period_end: bool
    created_at: datetime


class PaymentExport(_Row):
    id: uuid.UUID
    order_number: str
    kind: str
    state: str
    creator_id: uuid.UUID
    membership_id: uuid.UUID | None
    tier_id: uuid.UUID | None
    post_id: uuid.UUID | None
    amount: int
    currency: str
    paid_at: datetime | None
    created_at: datetime


class UnlockExport(_Row):
    post_id: uuid.UUID
    payment_id: uuid.UUID
    created_at: datetime


class NotificationExport(_Row):
    id: uuid.UUID
    kind: str
    data: dict[str, Any]
    read_at: datetime | None
    created_at: datetime


class PreferenceExport(_Row):
    category: str
    channel: str
    enabled: bool
    updated_at: datetime


class MediaExport(_Row):
    id: uuid.UUID
    kind: str
    status: str
    post_id: uuid.UUID | None
    content_type: str | None
    byte_size: int | None
    width: int | None
    height: int | None
    duration_seconds: float | None
    created_at: datetime


class AccountExport(BaseModel):
    exported_at: datetime
    profile: ProfileExport
    creator: CreatorExport | None
    posts: list[PostExport]
    comments: list[CommentExport]
    likes: list[LikeExport]
    poll_votes: list[PollVoteExport]
    follows: list[FollowExport]
    memberships: list[MembershipExport]
    payments: list[PaymentExport]
    post_unlocks: list[UnlockExport]
    notifications: list[NotificationExport]
    notification_preferences: list[PreferenceExport]
    media: list[MediaExport]


async def _rows(session: AsyncSession, statement: Any) -> list[Any]:
    return list((await session.scalars(statement)).all())


async def _creator_part(
    session: AsyncSession, user: User
) -> tuple[CreatorExport | None, list[PostExport]]:
    creator = await session.scalar(select(Creator).where(Creator.user_id == user.id))
    if creator is None:
        return None, []
    tiers = await _rows(
        session, select(Tier).where(Tier.creator_id == creator.id).order_by(Tier.position, Tier.id)
    )
    posts = await _rows(
        session, select(Post).where(Post.creator_id == creator.id).order_by(Post.created_at)
    )
    listed = await session.execute(
        select(PostTier.post_id, PostTier.tier_id)
        .join(Post, Post.id == PostTier.post_id)
        .where(Post.creator_id == creator.id)
    )
    tier_ids: dict[uuid.UUID, list[uuid.UUID]] = {}
    for post_id, tier_id in listed:
        tier_ids.setdefault(post_id, []).append(tier_id)
    exported_posts = [
        PostExport.model_validate(post).model_copy(update={"tier_ids": tier_ids.get(post.id, [])})
        for post in posts
    ]
    exported_creator = CreatorExport.model_validate(creator).model_copy(
        update={"tiers": [TierExport.model_validate(tier) for tier in tiers]}
    )
    return exported_creator, exported_posts


async def export_account(session: AsyncSession, user: User) -> AccountExport:
    """Everything about ``user``, oldest first in every list."""
    creator, posts = await _creator_part(session, user)
    comments = select(Comment).where(Comment.author_id == user.id).order_by(Comment.created_at)
    likes = select(Like).where(Like.user_id == user.id).order_by(Like.created_at)
    votes = select(PollVote).where(PollVote.user_id == user.id).order_by(PollVote.created_at)
    follows = select(Follow).where(Follow.follower_id == user.id).order_by(Follow.created_at)
    memberships = (
        select(Membership).where(Membership.fan_id == user.id).order_by(Membership.created_at)
    )
    payments = select(Payment).where(Payment.fan_id == user.id).order_by(Payment.created_at)
    unlocks = (
        select(PostUnlock).where(PostUnlock.user_id == user.id).order_by(PostUnlock.created_at)
    )
    notifications = (
        select(Notification)
        .where(Notification.recipient_id == user.id)
        .order_by(Notification.created_at, Notification.id)
    )
    preferences = (
        select(NotificationPreference)
        .where(NotificationPreference.user_id == user.id)
        .order_by(NotificationPreference.category, NotificationPreference.channel)
    )
    media = select(MediaAsset).where(MediaAsset.owner_id == user.id).order_by(MediaAsset.created_at)
    return AccountExport(
        exported_at=datetime.now(UTC),
        profile=ProfileExport.model_validate(user),
        creator=creator,
        posts=posts,
        comments=[CommentExport.model_validate(r) for r in await _rows(session, comments)],
        likes=[LikeExport.model_validate(r) for r in await _rows(session, likes)],
        poll_votes=[PollVoteExport.model_validate(r) for r in await _rows(session, votes)],
        follows=[FollowExport.model_validate(r) for r in await _rows(session, follows)],
        memberships=[MembershipExport.model_validate(r) for r in await _rows(session, memberships)],
        payments=[PaymentExport.model_validate(r) for r in await _rows(session, payments)],
        post_unlocks=[UnlockExport.model_validate(r) for r in await _rows(session, unlocks)],
        notifications=[
            NotificationExport.model_validate(r) for r in await _rows(session, notifications)
        ],
        notification_preferences=[
            PreferenceExport.model_validate(r) for r in await _rows(session, preferences)
        ],
        media=[MediaExport.model_validate(r) for r in await _rows(session, media)],
    )
