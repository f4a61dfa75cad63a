"""Free trials: no card at the start, once per fan and creator; reminded before the end; paying
by checkout keeps the trial's days; unpaid, the membership lapses at the end."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from pickey_core.models import FanTrial, Membership, MembershipStatus, Payment, Tier
from pickey_core.resources import Resources
from pickey_payments.billing_period import add_month
from pickey_payments.gateway import Gateway
from tests.payments.flows import join
from tests.support import factories
from tests.support.db import all_rows, count
from tests.support.gpwebpay import GpWebpaySandbox
from tests.support.payments_fans import Fan, FanFactory, Shop
from tests.support.renewals import membership_of, notices, run


@pytest.fixture
async def trial_tier(shop: Shop, payments_resources: Resources) -> Tier:
    async with payments_resources.unit_of_work() as session:
        await session.execute(update(Tier).where(Tier.id == shop.tiers[1].id).values(trial_days=7))
    return shop.tiers[1]


async def start_trial(fan: Fan, tier: Tier) -> dict[str, object]:
    answer = await fan.client.post("/trials", json={"tier_id": str(tier.id)})
    assert answer.status_code == 201, answer.text
    body: dict[str, object] = answer.json()
    return body


async def move_end(resources: Resources, membership_id: uuid.UUID, end: datetime) -> None:
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Membership).where(Membership.id == membership_id).values(current_period_end=end)
        )


async def test_a_trial_starts_without_a_card_and_lasts_its_days(
    make_fan: FanFactory, trial_tier: Tier, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    fan = await make_fan()
    before = datetime.now(UTC)
    started = await start_trial(fan, trial_tier)

    assert (started["status"], started["trial"], started["tier_id"]) == (
        "active",
        True,
        str(trial_tier.id),
    )
    membership = await membership_of(payments_resources, fan)
    assert membership.master_payment_id is None
    assert membership.current_period_start is not None
    assert membership.current_period_start >= before
    assert membership.current_period_end == membership.current_period_start + timedelta(days=7)
    assert await count(payments_resources, Payment) == 0
    assert await gpwebpay.orders() == []


async def test_paying_during_the_trial_starts_the_paid_period_at_its_end(
    make_fan: FanFactory, trial_tier: Tier, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    fan = await make_fan()
    await start_trial(fan, trial_tier)
    trial = await membership_of(payments_resources, fan)

    await join(fan, gpwebpay, trial_tier)

    paid = await membership_of(payments_resources, fan)
    assert paid.id == trial.id
    assert (paid.status, paid.trial) == (MembershipStatus.ACTIVE, False)
    assert paid.master_payment_id is not None
    assert trial.current_period_end is not None
    assert (paid.current_period_start, paid.current_period_end) == (
        trial.current_period_end,
        add_month(trial.current_period_end),
    )


async def test_the_fan_is_told_before_the_trial_ends_and_it_lapses_unpaid(
    make_fan: FanFactory,
    trial_tier: Tier,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    await start_trial(fan, trial_tier)
    trial = await membership_of(payments_resources, fan)
    await move_end(payments_resources, trial.id, datetime.now(UTC) + timedelta(days=2))

    await run(payments_resources, gateway)
    await run(payments_resources, gateway)

    [notice] = await notices(payments_resources)
    assert notice["notice"] == "trial_ending"
    assert (await membership_of(payments_resources, fan)).status is MembershipStatus.ACTIVE

    await move_end(payments_resources, trial.id, datetime.now(UTC) - timedelta(seconds=1))
    result = await run(payments_resources, gateway)

    assert result.lapsed == 1
    ended = await membership_of(payments_resources, fan)
    assert (ended.status, ended.requires_manual_payment) == (MembershipStatus.LAPSED, False)
    assert [n["notice"] for n in await notices(payments_resources)] == [
        "trial_ending",
        "membership_lapsed",
    ]
    assert await gpwebpay.orders() == []  # never charged
    # Once per fan and creator, for ever: after it lapsed too.
    again = await fan.client.post("/trials", json={"tier_id": str(trial_tier.id)})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "trial_used")


async def test_two_trials_at_once_start_one(
    make_fan: FanFactory, shop: Shop, trial_tier: Tier, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        await session.execute(update(Tier).where(Tier.id == shop.tiers[2].id).values(trial_days=3))
    answers = await asyncio.gather(
        fan.client.post("/trials", json={"tier_id": str(trial_tier.id)}),
        fan.client.post("/trials", json={"tier_id": str(shop.tiers[2].id)}),
    )
    assert sorted(answer.status_code for answer in answers) == [201, 409]
    assert await count(payments_resources, FanTrial) == 1
    assert len(await all_rows(payments_resources, Membership)) == 1


async def test_refusals(
    make_fan: FanFactory,
    shop: Shop,
    trial_tier: Tier,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    fan, member = await make_fan(), await make_fan()
    unverified = await make_fan(verified=False)
    owner = await make_fan(user=shop.owner)
    async with payments_resources.unit_of_work() as session:
        closed = await factories.tier(
            session, shop.creator, 29_900, archived_at=datetime.now(UTC), trial_days=7
        )
    await join(member, gpwebpay, shop.tiers[0])
    cases = [
        (fan, {"tier_id": str(shop.tiers[0].id)}, 409, "no_trial"),
        (fan, {"tier_id": str(uuid.uuid4())}, 404, "tier_not_found"),
        (fan, {"tier_id": str(closed.id)}, 409, "tier_archived"),
        (fan, {"tier_id": "x"}, 422, "validation_error"),
        (fan, {"tier_id": str(trial_tier.id), "days": 30}, 422, "validation_error"),
        (member, {"tier_id": str(trial_tier.id)}, 409, "already_member"),
        (owner, {"tier_id": str(trial_tier.id)}, 409, "own_creator"),
        (unverified, {"tier_id": str(trial_tier.id)}, 403, "email_not_verified"),
    ]
    for who, body, status, code in cases:
        answer = await who.client.post("/trials", json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), body
    assert await count(payments_resources, FanTrial) == 0
