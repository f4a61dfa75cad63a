"""Gift and comp rules. Flushes, never commits.

**Buying a gift** is a checkout of kind ``gift``: 1, 3 or 12 months of a tier for an e-mail
address, priced ``months * tier price`` (no discount code), paid once through the gateway like an
unlock (not a recurring master: a gift never renews), booked in the ledger as any payment (the
creator's share is the creator's when it is paid, whether or not it is ever redeemed). The
``gifts`` row is written with the payment; its code is sent only when the payment is paid
(``AnnounceGift`` → the ``gift_received`` e-mail to the address, in the buyer's language, since
the address may have no account yet).

**Redeeming** (``POST /gifts/redeem``, a signed-in fan with a verified e-mail): the code is a
bearer secret, so whoever the e-mail reached redeems it with whatever account they signed up
with. Exactly once (a conditional UPDATE on ``redeemed_at IS NULL``; a second redemption, even a
concurrent one, is 409 ``gift_already_redeemed``). Unknown codes, codes of gifts not paid, or
refunded (any refund not failed: a gift is refunded whole or not at all in effect) are 404
``gift_not_found``; the creator cannot redeem a gift of their own page (409
``own_creator``). What the months do to a membership: :mod:`pickey_payments.gifts.free_months`.

**Comps** (``POST /creator/comps``): the creator gives a fan 1 to 12 free months of one of their
tiers — no payment, no ledger money, recorded as a ``comp`` grant the creator lists.
"""

from __future__ import annotations

import secrets
import uuid
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import Conflict, NotFound
from pickey_core.models import (
    Creator,
    Gift,
    GrantKind,
    MembershipGrant,
    Payment,
    PaymentState,
    RefundState,
    Tier,
    User,
)
from pickey_core.pagination import newest_first
from pickey_core.queue.contracts import AnnounceGift
from pickey_core.queue.outbox import enqueue
from pickey_payments.gifts import free_months
from pickey_payments.refunds import repository as refunds

# Codes people type from an e-mail: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 16


class GiftNotFound(NotFound):
    code = "gift_not_found"


class GiftAlreadyRedeemed(Conflict):
    code = "gift_already_redeemed"


class OwnGift(Conflict):
    code = "own_creator"


class CompTierNotFound(NotFound):
    code = "tier_not_found"


class FanNotFound(NotFound):
    code = "fan_not_found"


REDEEM_ERRORS = (GiftNotFound, GiftAlreadyRedeemed, OwnGift)
COMP_ERRORS = (CompTierNotFound, FanNotFound, OwnGift)


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalised(code: str) -> str:
    """What a fan typed, as stored: upper case, no spaces or dashes."""
    return code.upper().replace("-", "").replace(" ", "")


async def record_purchase(
    session: AsyncSession, payment: Payment, tier: Tier, months: int, recipient_email: str
) -> Gift:
    """The gift a just-created ``gift`` payment buys (flushed)."""
    gift = Gift(
        id=uuid.uuid4(),
        payment_id=payment.id,
        purchaser_id=payment.fan_id,
        creator_id=payment.creator_id,
        tier_id=tier.id,
        months=months,
        recipient_email=recipient_email,
        code=new_code(),
    )
    session.add(gift)
    await session.flush()
    return gift


async def on_paid(session: AsyncSession, payment: Payment) -> None:
    """The gift's payment was paid: its code goes out by e-mail (once per gift)."""
    gift = await session.scalar(select(Gift).where(Gift.payment_id == payment.id))
    assert gift is not None
    enqueue(session, AnnounceGift(gift_id=gift.id))


async def redeem(session: AsyncSession, fan: User, typed: str, now: datetime) -> MembershipGrant:
    found = (
        await session.execute(
            select(Gift, Payment, Creator)
            .join(Payment, Payment.id == Gift.payment_id)
            .join(Creator, Creator.id == Gift.creator_id)
            .where(Gift.code == normalised(typed))
        )
    ).first()
    if found is None or found[1].state is not PaymentState.PAID:
        raise GiftNotFound("No such gift.")
    gift, payment, creator = found
    if any(
        r.state is not RefundState.FAILED for r in await refunds.of_payments(session, [payment.id])
    ):
        raise GiftNotFound("This gift was refunded.")
    owner = await session.get(User, creator.user_id)
    if owner is None or owner.deleted_at is not None:
        raise GiftNotFound("No such gift.")
    if owner.id == fan.id:
        raise OwnGift("This gift is for your own page.")
    taken = await session.scalar(
        update(Gift)
        .where(Gift.id == gift.id, Gift.redeemed_at.is_(None))
        .values(redeemed_by=fan.id, redeemed_at=now)
        .returning(Gift.id)
        .execution_options(synchronize_session=False)
    )
    if taken is None:
        raise GiftAlreadyRedeemed("This gift has already been redeemed.")
    return await free_months.give(
        session,
        fan_id=fan.id,
        creator_id=gift.creator_id,
        tier_id=gift.tier_id,
        months=gift.months,
        kind=GrantKind.GIFT,
        now=now,
        gift_id=gift.id,
    )


async def comp(
    session: AsyncSession,
    creator: Creator,
    fan_id: uuid.UUID,
    tier_id: uuid.UUID,
    months: int,
    now: datetime,
) -> MembershipGrant:
    tier = await session.get(Tier, tier_id)
    if tier is None or tier.creator_id != creator.id:
        raise CompTierNotFound("No such tier of yours.")
    fan = await session.get(User, fan_id)
    if fan is None or fan.deleted_at is not None:
        raise FanNotFound("No such fan.")
    if fan.id == creator.user_id:
        raise OwnGift("You cannot give yourself a membership.")
    return await free_months.give(
        session,
        fan_id=fan.id,
        creator_id=creator.id,
        tier_id=tier.id,
        months=months,
        kind=GrantKind.COMP,
        now=now,
    )


async def grants_of_creator(
    session: AsyncSession,
    creator_id: uuid.UUID,
    before: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[MembershipGrant]:
    """Newest first from ``ix_membership_grants_creator_created``."""
    query = newest_first(
        MembershipGrant, MembershipGrant.creator_id == creator_id, before=before, limit=limit
    )
    return list(await session.scalars(query))
