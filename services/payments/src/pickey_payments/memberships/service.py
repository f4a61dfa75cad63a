"""The fan's own controls over a membership. Flushes, never commits.

- **Cancel** stops renewals: an active membership stays until its period ends and then lapses
  (``cancel_at_period_end``); a ``past_due`` one (its period already ended, renewals failing)
  lapses at once, so no further charge is tried. Cancelling twice changes nothing. The fan may
  say why (a reason from a fixed list, and free text); the history records it once.
- **Resume** undoes a cancel while the membership is still held. A lapsed membership cannot be
  resumed: the fan joins again through a checkout.
- **Change tier** takes effect at the next renewal: that renewal charges the new tier's price and
  grants the new tier; until then the fan keeps the current tier. There is no proration — no
  partial charge or refund for the current period, in either direction — so a fan is never
  charged an amount they did not see, and the monthly charge stays a fixed amount (GP webpay's
  regular subscription payment). Choosing the current tier again cancels a pending change.
  Upgrading *now*, with the prorated difference charged, is
  :mod:`pickey_payments.tier_changes.upgrades`. A yearly member may only change to a tier with a
  yearly price (409 ``no_yearly_price``).

A membership of another fan is answered exactly like a missing one (404).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import Conflict, NotFound
from pickey_core.models import Membership, MembershipEventKind, MembershipStatus, Tier, User
from pickey_core.models.memberships import HELD_STATUSES
from pickey_payments import membership_history
from pickey_payments.errors import TierArchived, TierNotFound
from pickey_payments.memberships import dunning, repository
from pickey_payments.memberships.schemas import Cancellation
from pickey_payments.plans.prices import price_of


class MembershipNotFound(NotFound):
    code = "membership_not_found"


class MembershipEnded(Conflict):
    code = "membership_ended"


async def page(
    session: AsyncSession, fan: User, before: tuple[datetime, uuid.UUID] | None, limit: int
) -> list[Membership]:
    return list(await repository.page_of_fan(session, fan.id, before, limit))


async def cancel(
    session: AsyncSession,
    fan: User,
    membership_id: uuid.UUID,
    why: Cancellation | None = None,
    now: datetime | None = None,
) -> Membership:
    membership = await own_held(session, fan, membership_id)
    if membership.cancel_at_period_end:
        return await _saved(session, membership)
    now = now or datetime.now(UTC)
    past_due = membership.status is MembershipStatus.PAST_DUE
    if not past_due:
        membership.cancel_at_period_end = True
    why = why or Cancellation()
    await membership_history.record(
        session,
        membership,
        MembershipEventKind.CANCELLED,
        now,
        reason=why.reason,
        reason_text=why.reason_text,
    )
    if past_due:
        await dunning.lapse(session, membership, now)
    return await _saved(session, membership)


async def resume(session: AsyncSession, fan: User, membership_id: uuid.UUID) -> Membership:
    membership = await own_held(session, fan, membership_id)
    if membership.cancel_at_period_end:
        membership.cancel_at_period_end = False
        await membership_history.record(
            session, membership, MembershipEventKind.RESUMED, datetime.now(UTC)
        )
    return await _saved(session, membership)


async def change_tier(
    session: AsyncSession, fan: User, membership_id: uuid.UUID, tier_id: uuid.UUID
) -> Membership:
    membership = await own_held(session, fan, membership_id)
    tier = await session.get(Tier, tier_id)
    if tier is None or tier.creator_id != membership.creator_id:
        raise TierNotFound("No such tier of this creator.")
    if tier.id == membership.tier_id:
        membership.next_tier_id = None
    elif tier.archived_at is not None:
        raise TierArchived("This tier takes no new members; pick another one.")
    else:
        price_of(tier, membership.billing_interval)  # a yearly member needs a yearly price
        membership.next_tier_id = tier.id
    return await _saved(session, membership)


async def own_held(session: AsyncSession, fan: User, membership_id: uuid.UUID) -> Membership:
    """The fan's held membership, row-locked; another fan's is answered as missing."""
    membership = await repository.lock_own(session, fan.id, membership_id)
    if membership is None:
        raise MembershipNotFound("No such membership among yours.")
    if membership.status.value not in HELD_STATUSES:
        raise MembershipEnded("This membership has ended; join again to renew it.")
    return membership


async def _saved(session: AsyncSession, membership: Membership) -> Membership:
    await session.flush()
    await session.refresh(membership, ["updated_at"])
    return membership
