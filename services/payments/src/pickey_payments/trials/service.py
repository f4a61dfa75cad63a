"""Starting a free trial. Flushes, never commits.

A tier with ``trial_days`` may be tried free for that many days, **without a card**: the trial
is an ``active`` membership flagged ``trial`` with no master payment. Near its end the fan is
reminded (``trial_ending``, with the monthly reminder's lead time); to stay they pay through an
ordinary membership checkout (monthly or yearly), and the paid period starts when the trial
ends (:mod:`pickey_payments.settlement.grants`). A trial that ends unpaid lapses at once — no
grace period, there was no payment to retry (:mod:`pickey_payments.renewals.repository`).

Card verification at the start (with the first charge at the trial's end) is not offered: the
GP webpay sandbox models no verification operation (a zero-amount or authorise-only order whose
card is then charged by recurring payments), and PROVIDERS.md documents none we could test, so
it would be a guess about the real gateway. The trial needs only a verified e-mail.

One trial per fan and creator, for ever: ``fan_trials`` has (fan, creator) as its primary key,
inserted in the same transaction as the membership, so two requests at once cannot both start
one. Refused, with nothing written: a tier without a trial (409 ``no_trial``), a fan who already
tried this creator (409 ``trial_used``), or who holds a membership of them (409
``already_member``), and the checkout's tier and creator refusals.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import Conflict
from pickey_core.models import (
    BillingInterval,
    FanTrial,
    Membership,
    MembershipEventKind,
    MembershipStatus,
    User,
)
from pickey_payments import membership_history
from pickey_payments.checkout.service import (
    AlreadyMember,
    CreatorNotFound,
    OwnCreator,
    joinable_tier,
)
from pickey_payments.errors import TierArchived, TierNotFound
from pickey_payments.memberships import repository as memberships


class NoTrial(Conflict):
    code = "no_trial"


class TrialUsed(Conflict):
    code = "trial_used"


TRIAL_ERRORS = (
    TierNotFound,
    TierArchived,
    CreatorNotFound,
    OwnCreator,
    AlreadyMember,
    NoTrial,
    TrialUsed,
)


async def start(session: AsyncSession, fan: User, tier_id: uuid.UUID, now: datetime) -> Membership:
    tier, creator = await joinable_tier(session, fan, tier_id)
    if tier.trial_days is None:
        raise NoTrial("This tier offers no free trial.")
    await memberships.serialize_fan_and_creator(session, fan.id, creator.id)
    if await memberships.held(session, fan.id, creator.id) is not None:
        raise AlreadyMember("You are already a member of this creator.")
    membership = Membership(
        id=uuid.uuid4(),
        fan_id=fan.id,
        creator_id=creator.id,
        tier_id=tier.id,
        status=MembershipStatus.ACTIVE,
        billing_interval=BillingInterval.MONTH,
        trial=True,
        current_period_start=now,
        current_period_end=now + timedelta(days=tier.trial_days),
    )
    session.add(membership)
    await session.flush()
    # A trial starts a membership (a new member in the creator's figures) that adds nothing to
    # MRR until the fan pays; the paid period is recorded then as a renewal of it.
    await membership_history.record(
        session, membership, MembershipEventKind.STARTED, now, monthly_amount=0
    )
    claimed = await session.scalar(
        insert(FanTrial)
        .values(fan_id=fan.id, creator_id=creator.id, membership_id=membership.id)
        .on_conflict_do_nothing(index_elements=["fan_id", "creator_id"])
        .returning(FanTrial.fan_id)
    )
    if claimed is None:
        raise TrialUsed("You have already tried this creator's membership for free.")
    await session.refresh(membership, ["created_at", "updated_at"])
    return membership
