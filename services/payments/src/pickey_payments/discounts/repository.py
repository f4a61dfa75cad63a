"""Queries of discount codes, their uses and the discounted payments."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import (
    DiscountCode,
    DiscountRedemption,
    Payment,
    PaymentDiscount,
    PaymentState,
)
from pickey_core.pagination import newest_first


async def by_code(session: AsyncSession, creator_id: uuid.UUID, code: str) -> DiscountCode | None:
    return await session.scalar(
        select(DiscountCode).where(DiscountCode.creator_id == creator_id, DiscountCode.code == code)
    )


async def exists_elsewhere(session: AsyncSession, creator_id: uuid.UUID, code: str) -> bool:
    found = await session.scalar(
        select(exists().where(DiscountCode.code == code, DiscountCode.creator_id != creator_id))
    )
    return bool(found)


async def of_creator(
    session: AsyncSession,
    creator_id: uuid.UUID,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[DiscountCode]:
    """Newest first from ``ix_discount_codes_creator_created``."""
    query = newest_first(
        DiscountCode, DiscountCode.creator_id == creator_id, before=before, limit=limit
    )
    return list(await session.scalars(query))


async def redemption_of(
    session: AsyncSession, code_id: uuid.UUID, fan_id: uuid.UUID
) -> DiscountRedemption | None:
    return await session.scalar(
        select(DiscountRedemption).where(
            DiscountRedemption.discount_code_id == code_id, DiscountRedemption.fan_id == fan_id
        )
    )


async def insert_redemption(
    session: AsyncSession, code_id: uuid.UUID, fan_id: uuid.UUID
) -> uuid.UUID | None:
    """The new use's id, or None when this fan already has one (a concurrent checkout)."""
    return await session.scalar(
        insert(DiscountRedemption)
        .values(id=uuid.uuid4(), discount_code_id=code_id, fan_id=fan_id)
        .on_conflict_do_nothing(index_elements=["discount_code_id", "fan_id"])
        .returning(DiscountRedemption.id)
    )


async def count_use(session: AsyncSession, code_id: uuid.UUID) -> bool:
    """Take one use of the code if any is left: one conditional UPDATE, so concurrent checkouts
    queue on the row and the last use goes to exactly one of them."""
    taken = await session.scalar(
        update(DiscountCode)
        .where(
            DiscountCode.id == code_id,
            (DiscountCode.max_redemptions.is_(None))
            | (DiscountCode.redemptions_count < DiscountCode.max_redemptions),
        )
        .values(redemptions_count=DiscountCode.redemptions_count + 1)
        .returning(DiscountCode.id)
        .execution_options(synchronize_session=False)
    )
    return taken is not None


async def paid_periods(session: AsyncSession, redemption_id: uuid.UUID) -> int:
    """How many paid payments this use has discounted so far."""
    return int(
        await session.scalar(
            select(func.count())
            .select_from(PaymentDiscount)
            .join(Payment, Payment.id == PaymentDiscount.payment_id)
            .where(
                PaymentDiscount.redemption_id == redemption_id,
                Payment.state == PaymentState.PAID.value,
            )
        )
        or 0
    )


async def of_payment(
    session: AsyncSession, payment_id: uuid.UUID
) -> tuple[PaymentDiscount, DiscountCode] | None:
    row = (
        await session.execute(
            select(PaymentDiscount, DiscountCode)
            .join(DiscountRedemption, DiscountRedemption.id == PaymentDiscount.redemption_id)
            .join(DiscountCode, DiscountCode.id == DiscountRedemption.discount_code_id)
            .where(PaymentDiscount.payment_id == payment_id)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def of_membership(
    session: AsyncSession, membership_id: uuid.UUID
) -> tuple[PaymentDiscount, DiscountCode] | None:
    """The discount of the membership's latest paid discounted payment, if any."""
    row = (
        await session.execute(
            select(PaymentDiscount, DiscountCode)
            .join(Payment, Payment.id == PaymentDiscount.payment_id)
            .join(DiscountRedemption, DiscountRedemption.id == PaymentDiscount.redemption_id)
            .join(DiscountCode, DiscountCode.id == DiscountRedemption.discount_code_id)
            .where(
                Payment.membership_id == membership_id,
                Payment.state == PaymentState.PAID.value,
            )
            .order_by(Payment.created_at.desc())
            .limit(1)
        )
    ).first()
    return None if row is None else (row[0], row[1])
