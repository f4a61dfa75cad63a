"""What checkout reads: tiers, creators, posts and the fan's memberships and unlocks."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    Creator,
    Payment,
    PaymentKind,
    PaymentState,
    Post,
    PostUnlock,
    Tier,
    User,
)
from pickey_core.models.payments import ORDER_NUMBER_SEQUENCE


async def next_order_number(session: AsyncSession) -> str:
    """A fresh ORDERNUMBER: the sequence never repeats a value, even after a rollback."""
    return str(await session.scalar(select(ORDER_NUMBER_SEQUENCE.next_value())))


async def tier_with_creator(
    session: AsyncSession, tier_id: uuid.UUID
) -> tuple[Tier, Creator, User] | None:
    row = (
        await session.execute(
            select(Tier, Creator, User)
            .join(Creator, Creator.id == Tier.creator_id)
            .join(User, User.id == Creator.user_id)
            .where(Tier.id == tier_id)
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2])


async def creator_with_owner(
    session: AsyncSession, creator_id: uuid.UUID
) -> tuple[Creator, User] | None:
    row = (
        await session.execute(
            select(Creator, User)
            .join(User, User.id == Creator.user_id)
            .where(Creator.id == creator_id)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def post_with_creator(
    session: AsyncSession, post_id: uuid.UUID
) -> tuple[Post, Creator, User] | None:
    row = (
        await session.execute(
            select(Post, Creator, User)
            .join(Creator, Creator.id == Post.creator_id)
            .join(User, User.id == Creator.user_id)
            .where(Post.id == post_id)
        )
    ).first()
    return None if row is None else (row[0], row[1], row[2])


async def has_unlocked(session: AsyncSession, fan_id: uuid.UUID, post_id: uuid.UUID) -> bool:
    return bool(
        await session.scalar(
            select(exists().where(PostUnlock.user_id == fan_id, PostUnlock.post_id == post_id))
        )
    )


SUPERSEDED = "superseded by a newer checkout"


async def supersede_open_checkouts(
    session: AsyncSession, fan_id: uuid.UUID, creator_id: uuid.UUID
) -> list[uuid.UUID]:
    """Cancel the fan's open (``created``) checkouts to this creator; their ids. The caller holds
    the (fan, creator) lock, so two checkouts at once leave exactly one open."""
    rows = await session.scalars(
        update(Payment)
        .where(
            Payment.fan_id == fan_id,
            Payment.creator_id == creator_id,
            Payment.state == PaymentState.CREATED.value,
            Payment.kind != PaymentKind.RENEWAL.value,
        )
        .values(state=PaymentState.CANCELLED.value, result_text=SUPERSEDED)
        .returning(Payment.id)
        .execution_options(synchronize_session=False)
    )
    return list(rows)
