"""Rows for tests, written straight to the database (for state other services own, such as
memberships and unlocks, which `payments` creates in production)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Creator,
    Follow,
    MediaAsset,
    MediaKind,
    MediaStatus,
    Membership,
    MembershipStatus,
    Payment,
    PaymentKind,
    PaymentState,
    Post,
    PostAccess,
    PostKind,
    PostStatus,
    PostTier,
    PostUnlock,
    Tier,
    User,
)


async def user(session: AsyncSession, **fields: Any) -> User:
    """A user whose email is verified (money and creator actions need it); pass
    ``email_verified_at=None`` for one who has not opened the link yet."""
    fields.setdefault("email_verified_at", datetime.now(UTC))
    row = User(
        email=fields.pop("email", f"{uuid.uuid4().hex[:10]}@example.cz"),
        password_hash=fields.pop("password_hash", "not-a-hash"),
        display_name=fields.pop("display_name", "Test User"),
        **fields,
    )
    session.add(row)
    await session.flush()
    return row


async def creator(session: AsyncSession, owner: User | None = None, **fields: Any) -> Creator:
    owner = owner or await user(session)
    row = Creator(
        user_id=owner.id,
        slug=fields.pop("slug", f"creator-{uuid.uuid4().hex[:8]}"),
        display_name=fields.pop("display_name", "Gordíkey"),
        **fields,
    )
    session.add(row)
    await session.flush()
    return row


async def tier(
    session: AsyncSession, of: Creator, price: int = 5900, currency: str = "CZK", **fields: Any
) -> Tier:
    row = Tier(
        creator_id=of.id,
        name=fields.pop("name", f"Tier {price}"),
        price_amount=price,
        currency=currency,
        **fields,
    )
    session.add(row)
    await session.flush()
    return row


async def membership(
    session: AsyncSession,
    fan: User,
    of: Tier,
    status: MembershipStatus = MembershipStatus.ACTIVE,
) -> Membership:
    now = datetime.now(UTC)
    row = Membership(
        fan_id=fan.id,
        creator_id=of.creator_id,
        tier_id=of.id,
        status=status,
        current_period_start=now,
        current_period_end=now + timedelta(days=30),
    )
    session.add(row)
    await session.flush()
    return row


async def follow(session: AsyncSession, follower: User, of: Creator) -> None:
    session.add(Follow(follower_id=follower.id, creator_id=of.id))
    await session.flush()


async def post(
    session: AsyncSession,
    of: Creator,
    *,
    access: PostAccess = PostAccess.PUBLIC,
    status: PostStatus = PostStatus.PUBLISHED,
    kind: PostKind = PostKind.TEXT,
    tiers: list[Tier] | None = None,
    **fields: Any,
) -> Post:
    published = status is PostStatus.PUBLISHED
    row = Post(
        creator_id=of.id,
        kind=kind,
        status=status,
        access=access,
        title=fields.pop("title", "A post"),
        body=fields.pop("body", "The body only entitled viewers see."),
        media_ready=fields.pop("media_ready", True),
        published_at=fields.pop("published_at", datetime.now(UTC) if published else None),
        **fields,
    )
    session.add(row)
    await session.flush()
    for listed in tiers or []:
        session.add(PostTier(post_id=row.id, tier_id=listed.id))
    await session.flush()
    return row


async def unlock(session: AsyncSession, fan: User, paid_post: Post, amount: int = 4900) -> None:
    payment = Payment(
        kind=PaymentKind.UNLOCK,
        state=PaymentState.PAID,
        fan_id=fan.id,
        creator_id=paid_post.creator_id,
        post_id=paid_post.id,
        amount=amount,
        currency="CZK",
        paid_at=datetime.now(UTC),
    )
    session.add(payment)
    await session.flush()
    session.add(PostUnlock(user_id=fan.id, post_id=paid_post.id, payment_id=payment.id))
    await session.flush()


async def media_asset(
    session: AsyncSession,
    owner: User,
    *,
    kind: MediaKind = MediaKind.IMAGE,
    status: MediaStatus = MediaStatus.READY,
    **fields: Any,
) -> MediaAsset:
    """An uploaded asset as `media` leaves it; ready images have a full and a teaser variant."""
    asset_id = uuid.uuid4()
    variants = fields.pop("variants", None)
    if variants is None and kind is MediaKind.IMAGE and status is MediaStatus.READY:
        variants = {
            name: {"key": f"media/{asset_id}/{name}.webp", "width": 960, "height": 720}
            for name in ("960w", "teaser")
        }
    row = MediaAsset(
        id=asset_id,
        owner_id=owner.id,
        kind=kind,
        status=status,
        variants=variants or {},
        width=fields.pop("width", 960 if kind is MediaKind.IMAGE else None),
        height=fields.pop("height", 720 if kind is MediaKind.IMAGE else None),
        **fields,
    )
    session.add(row)
    await session.flush()
    return row
