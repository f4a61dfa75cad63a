"""Discount code rules. Flushes, never commits.

**Creating.** A creator makes codes for their own tiers (a tier of another creator: 422
``discount_tier_unknown``); a code is unique per creator (409 ``discount_code_taken``). Codes are
never deleted (payments refer to them); a creator disables one (``disabled_at``), which stops new
uses only.

**Redeeming** (a membership checkout with ``discount_code``), refused with nothing written:
unknown code (404 ``discount_code_not_found``), a code of another creator (422
``discount_code_wrong_creator``), disabled (409 ``discount_code_disabled``), expired (409
``discount_code_expired``), not for this tier (422 ``discount_code_not_for_tier``), a fixed
amount in another currency (422 ``discount_code_currency_mismatch``), a discount as large as
the price (422 ``discount_exceeds_price``), all uses taken (409 ``discount_code_exhausted``),
already used by this fan for a paid payment (409 ``discount_code_already_used``).

**Counting uses without races.** A use is one ``discount_redemptions`` row per fan and code
(unique), counted by one conditional ``UPDATE ... SET redemptions_count = redemptions_count + 1
WHERE redemptions_count < max_redemptions`` in the checkout's transaction (and a CHECK
constraint behind it): concurrent checkouts queue on the code's row, and exactly
``max_redemptions`` of them get a use. The use is taken when the fan checks out (the price on
the gateway's page is the discounted one); a fan who checks out again with the same code before
paying keeps their one use and does not take another. A use whose checkout is never paid stays
taken (decided: the limit counts checkouts with the code, so a creator's "first 50" cannot be
overrun by 50 people paying at once after 50 abandoned carts; releasing abandoned uses is left
for later).

**Renewals** keep applying the discount of the membership's discounted payment while fewer than
``duration_periods`` paid payments carried it (the first payment is period 1; null: forever), on
the tier being renewed if the code allows that tier (after a tier change to a tier outside the
code's list the full price is charged). Expiry and disabling stop new uses only: a fan who
redeemed a "3 months" code before it expired gets their 3 months.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import Conflict, InvalidInput, NotFound
from pickey_core.models import (
    Creator,
    DiscountCode,
    DiscountKind,
    Membership,
    Payment,
    PaymentDiscount,
    Tier,
    User,
)
from pickey_payments.discounts import repository
from pickey_payments.discounts.pricing import applies_to, discount_of
from pickey_payments.discounts.schemas import AmountOff, DiscountCodeCreate


class DiscountCodeNotFound(NotFound):
    code = "discount_code_not_found"


class DiscountCodeWrongCreator(InvalidInput):
    code = "discount_code_wrong_creator"


class DiscountCodeDisabled(Conflict):
    code = "discount_code_disabled"


class DiscountCodeExpired(Conflict):
    code = "discount_code_expired"


class DiscountCodeNotForTier(InvalidInput):
    code = "discount_code_not_for_tier"


class DiscountCodeCurrencyMismatch(InvalidInput):
    code = "discount_code_currency_mismatch"


class DiscountExceedsPrice(InvalidInput):
    code = "discount_exceeds_price"


class DiscountCodeExhausted(Conflict):
    code = "discount_code_exhausted"


class DiscountCodeAlreadyUsed(Conflict):
    code = "discount_code_already_used"


class DiscountCodeTaken(Conflict):
    code = "discount_code_taken"


class DiscountTierUnknown(InvalidInput):
    code = "discount_tier_unknown"


REDEEM_ERRORS = (
    DiscountCodeNotFound,
    DiscountCodeWrongCreator,
    DiscountCodeDisabled,
    DiscountCodeExpired,
    DiscountCodeNotForTier,
    DiscountCodeCurrencyMismatch,
    DiscountExceedsPrice,
    DiscountCodeExhausted,
    DiscountCodeAlreadyUsed,
)


@dataclass(frozen=True)
class Quote:
    """A code checked against one tier's price; nothing written yet."""

    code: DiscountCode
    list_amount: int
    discount_amount: int

    @property
    def paid(self) -> int:
        return self.list_amount - self.discount_amount


async def create(session: AsyncSession, creator: Creator, data: DiscountCodeCreate) -> DiscountCode:
    if await repository.by_code(session, creator.id, data.code) is not None:
        raise DiscountCodeTaken(f"You already have a code {data.code}.")
    for tier_id in data.tier_ids or []:
        tier = await session.get(Tier, tier_id)
        if tier is None or tier.creator_id != creator.id:
            raise DiscountTierUnknown(f"No tier {tier_id} of yours.")
    discount = data.discount
    code = DiscountCode(
        id=uuid.uuid4(),
        creator_id=creator.id,
        code=data.code,
        kind=DiscountKind.FIXED if isinstance(discount, AmountOff) else DiscountKind.PERCENT,
        percent_off=None if isinstance(discount, AmountOff) else discount.percent_off,
        amount_off=discount.amount_off if isinstance(discount, AmountOff) else None,
        currency=discount.currency if isinstance(discount, AmountOff) else None,
        duration_periods=data.duration_periods,
        max_redemptions=data.max_redemptions,
        redemptions_count=0,
        expires_at=data.expires_at,
        tier_ids=sorted(set(data.tier_ids), key=str) if data.tier_ids else None,
    )
    session.add(code)
    await session.flush()
    await session.refresh(code)
    return code


async def own(session: AsyncSession, creator: Creator, code_id: uuid.UUID) -> DiscountCode:
    code = await session.get(DiscountCode, code_id, with_for_update=True)
    if code is None or code.creator_id != creator.id:
        raise DiscountCodeNotFound("No such discount code.")
    return code


async def disable(
    session: AsyncSession, creator: Creator, code_id: uuid.UUID, now: datetime
) -> DiscountCode:
    code = await own(session, creator, code_id)
    if code.disabled_at is None:
        code.disabled_at = now
        await session.flush()
    return code


async def quote(
    session: AsyncSession, tier: Tier, typed: str, now: datetime, list_amount: int
) -> Quote:
    """Check ``typed`` (already upper case) for a checkout of ``tier`` at ``list_amount`` (the
    price of the chosen interval: monthly or yearly); nothing is written."""
    code = await repository.by_code(session, tier.creator_id, typed)
    if code is None:
        if await repository.exists_elsewhere(session, tier.creator_id, typed):
            raise DiscountCodeWrongCreator("This code belongs to another creator.")
        raise DiscountCodeNotFound("No such discount code.")
    if code.disabled_at is not None:
        raise DiscountCodeDisabled("This discount code is no longer offered.")
    if code.expires_at is not None and code.expires_at <= now:
        raise DiscountCodeExpired("This discount code has expired.")
    if code.tier_ids is not None and tier.id not in code.tier_ids:
        raise DiscountCodeNotForTier("This discount code is not for this tier.")
    if not applies_to(code, tier.id, tier.currency):
        raise DiscountCodeCurrencyMismatch(f"This discount code is in {code.currency}.")
    discount = discount_of(code, list_amount)
    if discount >= list_amount:
        raise DiscountExceedsPrice("This discount is not less than the price.")
    return Quote(code, list_amount, discount)


async def redeem(session: AsyncSession, quote: Quote, payment: Payment, fan: User) -> None:
    """Take the fan's use of the code (or reuse their unpaid one) and record the discount of
    ``payment`` (flushed). The caller holds the (fan, creator) lock."""
    code = quote.code
    existing = await repository.redemption_of(session, code.id, fan.id)
    if existing is not None:
        if await repository.paid_periods(session, existing.id) > 0:
            raise DiscountCodeAlreadyUsed("You have already used this discount code.")
        redemption_id = existing.id
    else:
        if not await repository.count_use(session, code.id):
            raise DiscountCodeExhausted("This discount code has been used up.")
        inserted = await repository.insert_redemption(session, code.id, fan.id)
        if inserted is None:
            raise DiscountCodeAlreadyUsed("You have already used this discount code.")
        redemption_id = inserted
    session.add(
        PaymentDiscount(
            payment_id=payment.id,
            redemption_id=redemption_id,
            list_amount=quote.list_amount,
            discount_amount=quote.discount_amount,
        )
    )
    await session.flush()


async def apply_to_renewal(
    session: AsyncSession, membership: Membership, tier: Tier, payment: Payment
) -> None:
    """Discount a renewal charge being claimed while the membership's code still runs: lowers
    ``payment.amount`` (the undiscounted charge of the membership's interval) and records the
    discount (the payment must be flushed already)."""
    found = await repository.of_membership(session, membership.id)
    if found is None:
        return
    applied, code = found
    if (
        code.duration_periods is not None
        and await repository.paid_periods(session, applied.redemption_id) >= code.duration_periods
    ):
        return
    if not applies_to(code, tier.id, tier.currency):
        return
    list_amount = payment.amount
    discount = discount_of(code, list_amount)
    if discount >= list_amount:
        return
    payment.amount = list_amount - discount
    session.add(
        PaymentDiscount(
            payment_id=payment.id,
            redemption_id=applied.redemption_id,
            list_amount=list_amount,
            discount_amount=discount,
        )
    )
    await session.flush()


async def applied_to(
    session: AsyncSession, payment_id: uuid.UUID
) -> tuple[PaymentDiscount, DiscountCode] | None:
    return await repository.of_payment(session, payment_id)
