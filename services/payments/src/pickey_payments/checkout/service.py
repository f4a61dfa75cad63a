"""Checkout rules. Flushes, never commits.

A checkout creates a ``created`` payment with a fresh ORDERNUMBER and signs the gateway order
for it; nothing changes for the fan until the gateway's answer is settled. Refused, with nothing
written:

- a tier that does not exist (404 ``tier_not_found``) or is archived (409 ``tier_archived``);
- a yearly membership of a tier without a yearly price (409 ``no_yearly_price``);
- a creator that does not exist or whose account was deleted (404 ``creator_not_found``);
- paying yourself (409 ``own_creator``);
- a membership of a creator the fan is already an active member of (409 ``already_member``:
  change tier instead). A ``past_due`` member may check out: that is paying by hand after failed
  renewals, and the paid checkout extends the membership they hold. So may a fan on a free
  trial: paying ends the trial, and the paid period starts when the trial ends;
- a tip outside :data:`TIP_BOUNDS` (422 ``amount_out_of_range``), or in a currency the gateway
  settings do not accept (422 ``currency_not_supported``; also for a tier or post priced in one);
- a discount code that cannot be used (:mod:`pickey_payments.discounts.service`);
- unlocking a post that is not for sale (409 ``post_not_for_sale``), not visible (404
  ``post_not_found``) or already unlocked (409 ``already_unlocked``).

A fan has at most one open checkout per creator (a double click, two tabs): a new checkout
cancels the earlier ``created`` ones to the same creator (``superseded by a newer checkout``),
under the (fan, creator) lock that settling takes too. A superseded order the fan pays anyway
comes back as a paid return for a cancelled payment: settling asks the gateway, and the payment is
granted if nothing of the kind is held yet, or refunded if it is
(:mod:`pickey_payments.settlement.service`). The gateway's order itself cannot be withdrawn from
the fan's open page (the gateway's HTTP API has no such call), which is why the
return is handled, not prevented.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import Conflict, InvalidInput, NotFound
from pickey_core.gpwebpay.http_api import OrderRequest, SignedOrderRequest
from pickey_core.gpwebpay.transliteration import is_printable_ascii
from pickey_core.models import (
    Creator,
    MembershipStatus,
    Payment,
    PaymentKind,
    PaymentState,
    PostAccess,
    Tier,
    User,
)
from pickey_core.post_readiness import PostNotFound, is_listed
from pickey_payments.checkout import repository
from pickey_payments.checkout.schemas import (
    CheckoutCreate,
    GiftCheckout,
    MembershipCheckout,
    TipCheckout,
    UnlockCheckout,
)
from pickey_payments.discounts import service as discounts
from pickey_payments.errors import TierArchived, TierNotFound
from pickey_payments.gateway import Gateway
from pickey_payments.gifts import service as gifts
from pickey_payments.memberships import repository as memberships
from pickey_payments.plans.prices import NoYearlyPrice, price_of

logger = structlog.get_logger(__name__)

# Tips in minor units: from 20 Kč / 1 € (below that card fees eat the tip) to 10 000 Kč / 500 €
# (above that it is more likely a typo than a tip).
TIP_BOUNDS = {"CZK": (2_000, 1_000_000), "EUR": (100, 50_000)}

DESCRIPTIONS = {
    "cs": {
        PaymentKind.MEMBERSHIP: "Členství {tier} u {creator}",
        PaymentKind.TIP: "Dýško pro {creator}",
        PaymentKind.UNLOCK: "Odemčení příspěvku {post} od {creator}",
        PaymentKind.GIFT: "Dárek {tier} u {creator}",
    },
    "en": {
        PaymentKind.MEMBERSHIP: "Membership {tier} at {creator}",
        PaymentKind.TIP: "Tip for {creator}",
        PaymentKind.UNLOCK: "Unlock of {post} by {creator}",
        PaymentKind.GIFT: "Gift of {tier} at {creator}",
    },
}


class CreatorNotFound(NotFound):
    code = "creator_not_found"


class PostNotForSale(Conflict):
    code = "post_not_for_sale"


class AlreadyUnlocked(Conflict):
    code = "already_unlocked"


class AlreadyMember(Conflict):
    code = "already_member"


class OwnCreator(Conflict):
    code = "own_creator"


class AmountOutOfRange(InvalidInput):
    code = "amount_out_of_range"


class CurrencyNotSupported(InvalidInput):
    code = "currency_not_supported"


CHECKOUT_ERRORS = (
    TierNotFound,
    TierArchived,
    CreatorNotFound,
    PostNotFound,
    PostNotForSale,
    AlreadyUnlocked,
    AlreadyMember,
    OwnCreator,
    AmountOutOfRange,
    CurrencyNotSupported,
    *discounts.REDEEM_ERRORS,
    NoYearlyPrice,
)


async def start(
    session: AsyncSession, gateway: Gateway, fan: User, data: CheckoutCreate
) -> tuple[Payment, SignedOrderRequest]:
    """Create the payment and its signed gateway order."""
    quote = None
    if isinstance(data, MembershipCheckout):
        payment, names, quote = await _membership(session, fan, data)
    elif isinstance(data, TipCheckout):
        payment, names = await _tip(session, gateway, fan, data)
    elif isinstance(data, GiftCheckout):
        payment, names = await _gift(session, fan, data)
    else:
        payment, names = await _unlock(session, fan, data)
    if payment.currency not in gateway.config.currencies:
        raise CurrencyNotSupported(f"Payments in {payment.currency} are not accepted.")
    await memberships.serialize_fan_and_creator(session, fan.id, payment.creator_id)
    superseded = await repository.supersede_open_checkouts(session, fan.id, payment.creator_id)
    if superseded:
        logger.info(
            "earlier open checkouts superseded",
            superseded=[str(payment_id) for payment_id in superseded],
        )
    payment.id = uuid.uuid4()
    payment.state = PaymentState.CREATED
    payment.fan_id = fan.id
    payment.order_number = await repository.next_order_number(session)
    session.add(payment)
    await session.flush()
    if quote is not None:
        await discounts.redeem(session, quote, payment, fan)
    if isinstance(data, GiftCheckout):
        tier = await session.get(Tier, data.tier_id)
        assert tier is not None
        await gifts.record_purchase(session, payment, tier, data.months, data.recipient_email)
    language = fan.locale if fan.locale in DESCRIPTIONS else "cs"
    signed = gateway.sign_order(
        OrderRequest(
            merchant_number=gateway.config.merchant_number,
            order_number=payment.order_number,
            amount=payment.amount,
            currency=payment.currency,
            url=gateway.config.return_url,
            merordernum=payment.order_number,
            description=DESCRIPTIONS[language][payment.kind].format(**names),
            md=str(payment.id),
            recurring_master=payment.kind is PaymentKind.MEMBERSHIP,
            email=fan.email if _usable_email(fan.email) else None,
            lang=language,
        )
    )
    return payment, signed


async def _membership(
    session: AsyncSession, fan: User, data: MembershipCheckout
) -> tuple[Payment, dict[str, str], discounts.Quote | None]:
    tier, creator = await joinable_tier(session, fan, data.tier_id)
    held = await memberships.held(session, fan.id, creator.id)
    if held is not None and held.status is MembershipStatus.ACTIVE and not held.trial:
        raise AlreadyMember("You are already a member of this creator; change your tier instead.")
    payment = Payment(
        kind=PaymentKind.MEMBERSHIP,
        creator_id=creator.id,
        tier_id=tier.id,
        amount=price_of(tier, data.interval),
        currency=tier.currency,
        billing_interval=data.interval,
    )
    quote = None
    if data.discount_code is not None:
        quote = await discounts.quote(
            session, tier, data.discount_code, datetime.now(UTC), payment.amount
        )
        payment.amount = quote.paid
    return payment, {"tier": tier.name, "creator": creator.display_name}, quote


async def _gift(
    session: AsyncSession, fan: User, data: GiftCheckout
) -> tuple[Payment, dict[str, str]]:
    """Months of a tier for someone else, paid once (never a recurring master)."""
    tier, creator = await joinable_tier(session, fan, data.tier_id)
    payment = Payment(
        kind=PaymentKind.GIFT,
        creator_id=creator.id,
        tier_id=tier.id,
        amount=tier.price_amount * data.months,
        currency=tier.currency,
    )
    return payment, {"tier": tier.name, "creator": creator.display_name}


async def _tip(
    session: AsyncSession, gateway: Gateway, fan: User, data: TipCheckout
) -> tuple[Payment, dict[str, str]]:
    currency = data.currency.upper()
    if currency not in gateway.config.currencies or currency not in TIP_BOUNDS:
        raise CurrencyNotSupported(
            f"Tips are accepted in {', '.join(sorted(set(gateway.config.currencies)))}."
        )
    low, high = TIP_BOUNDS[currency]
    if not low <= data.amount <= high:
        raise AmountOutOfRange(f"A {currency} tip is between {low} and {high} minor units.")
    found = await repository.creator_with_owner(session, data.creator_id)
    if found is None:
        raise CreatorNotFound("No such creator.")
    creator, owner = found
    check_creator(fan, owner)
    payment = Payment(
        kind=PaymentKind.TIP, creator_id=creator.id, amount=data.amount, currency=currency
    )
    return payment, {"creator": creator.display_name}


async def _unlock(
    session: AsyncSession, fan: User, data: UnlockCheckout
) -> tuple[Payment, dict[str, str]]:
    found = await repository.post_with_creator(session, data.post_id)
    if found is None:
        raise PostNotFound("No such post.")
    post, creator, owner = found
    if not is_listed(post) or owner.deleted_at is not None:
        raise PostNotFound("No such post.")
    check_creator(fan, owner)
    if (
        post.access is not PostAccess.PAID
        or post.unlock_price_amount is None
        or post.unlock_currency is None
    ):
        raise PostNotForSale("This post is not sold on its own.")
    if await repository.has_unlocked(session, fan.id, post.id):
        raise AlreadyUnlocked("You have already unlocked this post.")
    payment = Payment(
        kind=PaymentKind.UNLOCK,
        creator_id=creator.id,
        post_id=post.id,
        amount=post.unlock_price_amount,
        currency=post.unlock_currency,
    )
    return payment, {"post": post.title, "creator": creator.display_name}


async def joinable_tier(
    session: AsyncSession, fan: User, tier_id: uuid.UUID
) -> tuple[Tier, Creator]:
    """The open tier ``fan`` may take (or give) a membership of, with its creator: 404 for an
    unknown tier, 409 for the fan's own creator page or an archived tier."""
    found = await repository.tier_with_creator(session, tier_id)
    if found is None:
        raise TierNotFound("No such tier.")
    tier, creator, owner = found
    check_creator(fan, owner)
    if tier.archived_at is not None:
        raise TierArchived("This tier takes no new members; pick another one.")
    return tier, creator


def check_creator(fan: User, owner: User) -> None:
    if owner.deleted_at is not None:
        raise CreatorNotFound("No such creator.")
    if owner.id == fan.id:
        raise OwnCreator("You cannot pay yourself.")


def _usable_email(email: str) -> bool:
    """The gateway takes printable ASCII up to 255 characters; others are simply not sent."""
    return len(email) <= 255 and is_printable_ascii(email)
