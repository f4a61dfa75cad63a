"""Tier rules. Flushes, never commits.

* Prices are integers in minor units within :data:`PRICE_BOUNDS` per currency: at least 10 Kč
  / 1 € (below that card fees eat the payment) and at most 100 000 Kč / 5 000 € a month (above
  that it is more likely a typo than a membership).
* A yearly price (optional) is in the tier's own currency, positive, at least the currency's
  lowest monthly price and at most twelve monthly prices (it is a discount for paying a year
  ahead, never a surcharge): otherwise 422 ``yearly_price_out_of_range``. It is locked under
  paying members like the monthly price (yearly members renew at it). Trial days (1 to 90, or
  none) may change any time: they only concern trials started afterwards.
* All tiers of a creator share one currency, chosen by the first tier; posts compare tier prices
  directly ("this tier price and above"), so a mixed set would compare 99 Kč with 99 €. The
  currency of a tier never changes.
* A price never changes under paying members: while a membership is pending, active or past due
  on the tier (now or from the next renewal), or a fan is at the gateway paying to join it (an
  unsettled membership checkout), a price change is refused (409
  ``tier_price_locked``); create a new tier and archive the old one instead. Members keep what
  they signed up for, and nobody is charged a price they never saw.
* At most ``PICKEY_MAX_TIERS_PER_CREATOR`` open tiers and ``PICKEY_MAX_TIERS_INCLUDING_ARCHIVED``
  in all, which also keeps a creator's tier list short enough to return whole.
* Archiving closes a tier to new members; its members keep their membership and renewals. A tier
  is deleted only if no membership ever referred to it (nor a payment, nor a post): otherwise
  409 ``tier_has_members`` / ``tier_used_by_posts``, archive it instead.

Authorization: a tier of another creator is answered exactly like a missing one (404
``tier_not_found``), so ids cannot be probed. Writes to one creator's tiers are serialised by a
lock on the creator row, so limits and positions hold under concurrent requests.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.public_cache.creator_pages import PageInvalidation
from pickey_api.tiers import repository
from pickey_api.tiers.schemas import TierCreate, TierUpdate
from pickey_core.errors import Conflict, InvalidInput, NotFound
from pickey_core.models import Creator, MembershipStatus, Tier

PRICE_BOUNDS = {"CZK": (1_000, 10_000_000), "EUR": (100, 500_000)}

# Memberships paying (or about to pay) a tier's price: the price may not change under them.
PRICE_LOCKING_STATUSES = (
    MembershipStatus.PENDING,
    MembershipStatus.ACTIVE,
    MembershipStatus.PAST_DUE,
)


@dataclass(frozen=True)
class TierLimits:
    open: int
    total: int


class TierNotFound(NotFound):
    code = "tier_not_found"


class PriceOutOfRange(InvalidInput):
    code = "price_out_of_range"


class YearlyPriceOutOfRange(InvalidInput):
    code = "yearly_price_out_of_range"


class CurrencyMismatch(Conflict):
    code = "currency_mismatch"


class TierLimitReached(Conflict):
    code = "tier_limit_reached"


class TierPriceLocked(Conflict):
    code = "tier_price_locked"


class TierHasMembers(Conflict):
    code = "tier_has_members"


class TierUsedByPosts(Conflict):
    code = "tier_used_by_posts"


class TierOrderDuplicate(InvalidInput):
    code = "tier_order_duplicate"


class TierOrderUnknownTier(InvalidInput):
    code = "tier_order_unknown_tier"


class TierOrderIncomplete(InvalidInput):
    code = "tier_order_incomplete"


def check_price(amount: int, currency: str) -> None:
    low, high = PRICE_BOUNDS[currency]
    if not low <= amount <= high:
        raise PriceOutOfRange(
            f"A {currency} price is between {low} and {high} minor units (a month)."
        )


def check_yearly_price(yearly: int | None, monthly: int, currency: str) -> None:
    if yearly is None:
        return
    low = PRICE_BOUNDS[currency][0]
    if not low <= yearly <= 12 * monthly:
        raise YearlyPriceOutOfRange(
            f"A yearly price is between {low} and twelve monthly prices ({12 * monthly}) minor "
            f"units of {currency}."
        )


async def list_tiers(session: AsyncSession, creator: Creator) -> list[Tier]:
    return await repository.all_of(session, creator.id)


async def get_own(session: AsyncSession, creator: Creator, tier_id: uuid.UUID) -> Tier:
    tier = await repository.own_tier(session, creator, tier_id)
    if tier is None:
        raise TierNotFound("No such tier among yours.")
    return tier


async def create_tier(
    session: AsyncSession,
    creator: Creator,
    data: TierCreate,
    limits: TierLimits,
    pages: PageInvalidation,
) -> Tier:
    check_price(data.price_amount, data.currency)
    check_yearly_price(data.yearly_price_amount, data.price_amount, data.currency)
    await repository.lock_creator(session, creator)
    currency = await repository.currency_of(session, creator.id)
    if currency is not None and currency != data.currency:
        raise CurrencyMismatch(f"Your tiers are priced in {currency}; use it for this one too.")
    open_count, total, next_position = await repository.tally(session, creator.id)
    _check_limits(open_count + 1, total + 1, limits)
    tier = Tier(
        creator_id=creator.id,
        name=data.name,
        description=data.description,
        price_amount=data.price_amount,
        currency=data.currency,
        yearly_price_amount=data.yearly_price_amount,
        trial_days=data.trial_days,
        position=next_position,
    )
    session.add(tier)
    await session.flush()
    await session.refresh(tier)
    pages.forget(creator.slug)
    return tier


async def update_tier(
    session: AsyncSession,
    creator: Creator,
    tier_id: uuid.UUID,
    data: TierUpdate,
    pages: PageInvalidation,
) -> Tier:
    tier = await get_own(session, creator, tier_id)
    changes = {
        name: value
        for name, value in data.model_dump(exclude_unset=True).items()
        if getattr(tier, name) != value
    }
    if not changes:
        return tier
    if "price_amount" in changes:
        check_price(changes["price_amount"], tier.currency)
    if changes.keys() & {"price_amount", "yearly_price_amount"}:
        check_yearly_price(
            changes.get("yearly_price_amount", tier.yearly_price_amount),
            changes.get("price_amount", tier.price_amount),
            tier.currency,
        )
        if await repository.has_memberships(
            session, tier, PRICE_LOCKING_STATUSES
        ) or await repository.has_checkouts_in_flight(session, tier):
            raise TierPriceLocked(
                "Members pay this tier's price; create a new tier and archive this one instead."
            )
    for name, value in changes.items():
        setattr(tier, name, value)
    return await _saved(session, creator, tier, pages)


async def reorder_tiers(
    session: AsyncSession, creator: Creator, tier_ids: list[uuid.UUID], pages: PageInvalidation
) -> list[Tier]:
    """Put the open tiers in the given order: the list must name each of them exactly once."""
    if len(set(tier_ids)) != len(tier_ids):
        raise TierOrderDuplicate("Each tier may appear once in the order.")
    await repository.lock_creator(session, creator)
    tiers = {tier.id: tier for tier in await repository.open_tiers(session, creator.id)}
    if set(tier_ids) - tiers.keys():
        raise TierOrderUnknownTier("The order names tiers that are not among your open tiers.")
    if tiers.keys() - set(tier_ids):
        raise TierOrderIncomplete("The order must name every one of your open tiers.")
    for position, tier_id in enumerate(tier_ids):
        tiers[tier_id].position = position
    await session.flush()
    pages.forget(creator.slug)
    # Read again: the flush expired what the database changed (updated_at).
    return await repository.open_tiers(session, creator.id)


async def archive_tier(
    session: AsyncSession, creator: Creator, tier_id: uuid.UUID, pages: PageInvalidation
) -> Tier:
    """Close the tier to new members (idempotent); its members stay."""
    tier = await get_own(session, creator, tier_id)
    if tier.archived_at is not None:
        return tier
    tier.archived_at = datetime.now(UTC)
    return await _saved(session, creator, tier, pages)


async def unarchive_tier(
    session: AsyncSession,
    creator: Creator,
    tier_id: uuid.UUID,
    limits: TierLimits,
    pages: PageInvalidation,
) -> Tier:
    """Open the tier again (idempotent), placed after the other open tiers."""
    await repository.lock_creator(session, creator)
    tier = await get_own(session, creator, tier_id)
    if tier.archived_at is None:
        return tier
    open_count, total, next_position = await repository.tally(session, creator.id)
    _check_limits(open_count + 1, total, limits)
    tier.archived_at = None
    tier.position = next_position
    return await _saved(session, creator, tier, pages)


async def delete_tier(
    session: AsyncSession, creator: Creator, tier_id: uuid.UUID, pages: PageInvalidation
) -> None:
    tier = await get_own(session, creator, tier_id)
    if await repository.has_memberships(session, tier):
        raise TierHasMembers("Someone has held this tier; archive it instead.")
    if await repository.listed_by_posts(session, tier.id):
        raise TierUsedByPosts("Posts are for members of this tier; archive it instead.")
    await session.delete(tier)
    try:
        await session.flush()
    except IntegrityError as error:  # a payment (or a membership just made) refers to it
        raise TierHasMembers("Someone has paid for this tier; archive it instead.") from error
    pages.forget(creator.slug)


def _check_limits(open_count: int, total: int, limits: TierLimits) -> None:
    if open_count > limits.open:
        raise TierLimitReached(
            f"At most {limits.open} open tiers; archive one first.",
        )
    if total > limits.total:
        raise TierLimitReached(
            f"At most {limits.total} tiers including archived ones; delete unused ones first."
        )


async def _saved(
    session: AsyncSession, creator: Creator, tier: Tier, pages: PageInvalidation
) -> Tier:
    await session.flush()
    await session.refresh(tier, ["updated_at"])
    pages.forget(creator.slug)
    return tier
