"""Monthly renewals against the sandbox's WS API: one charge per membership and period, whatever
crashes, retries or concurrent workers do; dunning, manual payment, lapse, reminders."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from pickey_core.models import (
    Membership,
    MembershipStatus,
    OutboxMessage,
    Payment,
    User,
)
from pickey_core.models import PaymentState as State
from pickey_core.queue.contracts import AnnouncePayment
from pickey_core.resources import Resources
from pickey_payments.billing_period import add_month
from pickey_payments.gateway import Gateway
from pickey_payments.renewals import service
from pickey_payments.settings import PaymentsSettings
from tests.payments.flows import join, pay
from tests.support.db import all_rows
from tests.support.gpwebpay import GpWebpaySandbox
from tests.support.payments_fans import Fan, FanFactory, Shop
from tests.support.renewals import make_due, master_order, membership_of, notices, renewals_of, run


@pytest.fixture
async def member(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> tuple[Fan, Membership]:
    fan = await make_fan()
    await join(fan, gpwebpay, shop.tiers[1])
    return fan, await membership_of(payments_resources, fan)


async def test_a_due_membership_is_charged_once_and_runs_one_more_month(
    member: tuple[Fan, Membership],
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    end = await make_due(payments_resources, membership.id, timedelta(minutes=1))

    first = await run(payments_resources, gateway)
    second = await run(payments_resources, gateway)

    assert (first.recorded, second.recorded) == (1, 0)
    [charge] = await gpwebpay.charges_against(await master_order(payments_resources, membership))
    assert (charge["fields"]["kind"], charge["amount"]) == (
        "processRegularSubscriptionPayment",
        "9900",
    )
    [renewal] = await renewals_of(payments_resources, membership.id)
    assert (renewal.state, renewal.order_number) == (State.PAID, charge["order_number"])
    assert renewal.period_start == end
    renewed = await membership_of(payments_resources, fan)
    assert renewed.status is MembershipStatus.ACTIVE
    assert (renewed.current_period_start, renewed.current_period_end) == (end, add_month(end))
    announced = await all_rows(
        payments_resources, OutboxMessage, OutboxMessage.job_name == AnnouncePayment.job_name
    )
    assert str(renewal.id) in [row.payload["payment_id"] for row in announced]


async def test_a_tier_change_is_charged_and_granted_at_the_next_renewal(
    member: tuple[Fan, Membership],
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    changed = await fan.client.post(
        f"/memberships/{membership.id}/change-tier", json={"tier_id": str(shop.tiers[2].id)}
    )
    assert changed.json()["tier_id"] == str(shop.tiers[1].id)  # until the renewal
    assert changed.json()["next_tier_id"] == str(shop.tiers[2].id)
    await make_due(payments_resources, membership.id, timedelta(minutes=1))

    await run(payments_resources, gateway)

    [charge] = await gpwebpay.charges_against(await master_order(payments_resources, membership))
    assert (charge["fields"]["kind"], charge["amount"]) == ("processRecurringPayment", "19900")
    renewed = await membership_of(payments_resources, fan)
    assert (renewed.tier_id, renewed.next_tier_id) == (shop.tiers[2].id, None)


async def test_two_workers_renewing_at_once_charge_each_membership_once(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_settings: PaymentsSettings,
    payments_resources: Resources,
) -> None:
    fans = [await make_fan() for _ in range(6)]
    for fan in fans:
        await join(fan, gpwebpay, shop.tiers[0])
    members = [await membership_of(payments_resources, fan) for fan in fans]
    for membership in members:
        await make_due(payments_resources, membership.id, timedelta(minutes=1))
    other_resources = await Resources.open(payments_settings)
    other_gateway = Gateway.open(payments_settings)
    try:
        await asyncio.gather(run(payments_resources, gateway), run(other_resources, other_gateway))
    finally:
        await other_gateway.aclose()
        await other_resources.close()

    for membership in members:
        charges = await gpwebpay.charges_against(await master_order(payments_resources, membership))
        assert len(charges) == 1
        [renewal] = await renewals_of(payments_resources, membership.id)
        assert renewal.state is State.PAID
        renewed = await all_rows(payments_resources, Membership, Membership.id == membership.id)
        assert renewed[0].current_period_end == add_month(renewed[0].current_period_start)  # type: ignore[arg-type]


async def test_a_crash_after_the_charge_is_resolved_by_asking_not_by_charging_again(
    member: tuple[Fan, Membership],
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_settings: PaymentsSettings,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    end = await make_due(payments_resources, membership.id, timedelta(minutes=1))
    master = await master_order(payments_resources, membership)
    # A worker claims the charge and makes the call, then dies before recording the answer.
    async with payments_resources.unit_of_work() as session:
        [claim] = await service.claim_due(
            session, payments_settings.billing, datetime.now(UTC), set()
        )
    assert await service.settle_claim(gateway, claim) is not None
    assert len(await gpwebpay.charges_against(master)) == 1
    [renewal] = await renewals_of(payments_resources, membership.id)
    assert renewal.state is State.PENDING

    # While its lease lasts, other runs leave it alone (it may still be under way).
    assert (await run(payments_resources, gateway)).recorded == 0
    # Once the lease is over, the next run asks the gateway and records what happened.
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Payment)
            .where(Payment.id == renewal.id)
            .values(gateway_called_at=datetime.now(UTC) - timedelta(hours=1))
        )
    assert (await run(payments_resources, gateway)).recorded == 1

    assert len(await gpwebpay.charges_against(master)) == 1
    [renewal] = await renewals_of(payments_resources, membership.id)
    assert renewal.state is State.PAID
    renewed = await membership_of(payments_resources, fan)
    assert renewed.current_period_end == add_month(end)


async def test_a_lost_answer_is_asked_about_after_the_lease(
    member: tuple[Fan, Membership],
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    _fan, membership = member
    await make_due(payments_resources, membership.id, timedelta(minutes=1))
    master = await master_order(payments_resources, membership)
    # The gateway answers after our timeout (5 s in tests) but makes the charge.
    await gpwebpay.plan({"kind": "timeout", "seconds": 6})

    first = await run(payments_resources, gateway)

    assert first.recorded == 1
    [renewal] = await renewals_of(payments_resources, membership.id)
    assert renewal.state is State.UNKNOWN
    for _ in range(50):
        if await gpwebpay.charges_against(master):
            break
        await asyncio.sleep(0.1)
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Payment)
            .where(Payment.id == renewal.id)
            .values(gateway_called_at=datetime.now(UTC) - timedelta(hours=1))
        )
    await run(payments_resources, gateway)
    assert len(await gpwebpay.charges_against(master)) == 1
    [renewal] = await renewals_of(payments_resources, membership.id)
    assert renewal.state is State.PAID


async def age_retry(resources: Resources, membership_id: uuid.UUID) -> None:
    """Let the scheduled retry (or lapse) fall due now."""
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Membership)
            .where(Membership.id == membership_id)
            .values(next_retry_at=datetime.now(UTC) - timedelta(seconds=1))
        )


async def test_failed_renewals_retry_on_days_1_3_7_then_lapse(
    member: tuple[Fan, Membership],
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    end = await make_due(payments_resources, membership.id, timedelta(minutes=1))
    decline = {"kind": "decline", "primary": 30, "secondary": 1002}
    await gpwebpay.plan(decline, decline, decline, decline)
    expected_retries = [end + timedelta(days=days) for days in (1, 3, 7)]

    for attempt, retry_at in enumerate(expected_retries, start=1):
        await run(payments_resources, gateway)
        # Not due again until the retry day.
        assert (await run(payments_resources, gateway)).recorded == 0
        state = await membership_of(payments_resources, fan)
        assert (state.status, state.renewal_failures) == (MembershipStatus.PAST_DUE, attempt)
        assert state.next_retry_at == retry_at
        await age_retry(payments_resources, membership.id)
    await run(payments_resources, gateway)

    lapsed = await membership_of(payments_resources, fan)
    assert lapsed.status is MembershipStatus.LAPSED
    renewals = await renewals_of(payments_resources, membership.id)
    assert [(r.state, r.prcode) for r in renewals] == [(State.FAILED, "30")] * 4
    assert len({r.renewal_key for r in renewals}) == 4
    sent = await notices(payments_resources)
    assert [n["notice"] for n in sent] == ["renewal_failed"] * 3 + ["membership_lapsed"]
    assert [n["retry_at"] for n in sent[:3]] == [
        r.isoformat().replace("+00:00", "Z") for r in expected_retries
    ]
    assert len({n["event_key"] for n in sent}) == 4


async def test_a_broken_chain_asks_the_fan_to_pay_by_hand_and_a_manual_payment_restores(
    member: tuple[Fan, Membership],
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    end = await make_due(payments_resources, membership.id, timedelta(minutes=1))
    await gpwebpay.plan({"kind": "decline", "primary": 33, "secondary": 0})

    await run(payments_resources, gateway)
    await run(payments_resources, gateway)

    held = await membership_of(payments_resources, fan)
    assert (held.status, held.requires_manual_payment) == (MembershipStatus.PAST_DUE, True)
    assert held.next_retry_at == end + timedelta(days=7)
    assert len(await renewals_of(payments_resources, membership.id)) == 1  # no second charge
    assert [n["notice"] for n in await notices(payments_resources)] == ["pay_by_hand"]

    paid = await pay(fan, gpwebpay, {"kind": "membership", "tier_id": str(shop.tiers[1].id)})
    restored = await membership_of(payments_resources, fan)
    assert restored.id == membership.id
    assert (restored.status, restored.requires_manual_payment) == (MembershipStatus.ACTIVE, False)
    assert (restored.current_period_start, restored.current_period_end) == (end, add_month(end))
    assert str(restored.master_payment_id) == paid["payment_id"]


async def test_unpaid_by_hand_lapses_after_the_grace_period(
    member: tuple[Fan, Membership],
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    await make_due(payments_resources, membership.id, timedelta(minutes=1))
    await gpwebpay.plan({"kind": "decline", "primary": 85, "secondary": 300})
    await run(payments_resources, gateway)
    await age_retry(payments_resources, membership.id)
    await run(payments_resources, gateway)
    assert (await membership_of(payments_resources, fan)).status is MembershipStatus.LAPSED
    assert [n["notice"] for n in await notices(payments_resources)] == [
        "pay_by_hand",
        "membership_lapsed",
    ]


async def test_a_cancelled_membership_lapses_at_period_end_without_a_charge(
    member: tuple[Fan, Membership],
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    assert (await fan.client.post(f"/memberships/{membership.id}/cancel")).status_code == 200
    await run(payments_resources, gateway)
    assert (await membership_of(payments_resources, fan)).status is MembershipStatus.ACTIVE
    await make_due(payments_resources, membership.id, timedelta(seconds=1))
    await run(payments_resources, gateway)
    assert (await membership_of(payments_resources, fan)).status is MembershipStatus.LAPSED
    assert await gpwebpay.charges_against(await master_order(payments_resources, membership)) == []
    assert [n["notice"] for n in await notices(payments_resources)] == ["membership_lapsed"]


async def test_the_fan_is_reminded_once_before_the_renewal(
    member: tuple[Fan, Membership], gateway: Gateway, payments_resources: Resources
) -> None:
    _fan, membership = member
    end = datetime.now(UTC) + timedelta(days=2)
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Membership).where(Membership.id == membership.id).values(current_period_end=end)
        )
    await run(payments_resources, gateway)
    await run(payments_resources, gateway)
    [notice] = await notices(payments_resources)
    assert notice["notice"] == "renewal_upcoming"
    assert notice["event_key"] == f"renewal_upcoming:{membership.id}:{end.isoformat()}"


async def test_a_gateway_configuration_error_is_not_the_fans_failure(
    member: tuple[Fan, Membership],
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    await make_due(payments_resources, membership.id, timedelta(minutes=1))
    await gpwebpay.plan({"kind": "fault", "primary": 31, "secondary": 0})
    await run(payments_resources, gateway)
    [renewal] = await renewals_of(payments_resources, membership.id)
    assert (renewal.state, renewal.prcode) == (State.UNKNOWN, "31")
    held = await membership_of(payments_resources, fan)
    assert (held.status, held.renewal_failures) == (MembershipStatus.ACTIVE, 0)
    assert await notices(payments_resources) == []


async def test_a_deleted_fan_is_never_charged_again(
    member: tuple[Fan, Membership],
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    await make_due(payments_resources, membership.id, timedelta(minutes=1))
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(User).where(User.id == fan.user.id).values(deleted_at=datetime.now(UTC))
        )
    await run(payments_resources, gateway)
    assert (await membership_of(payments_resources, fan)).status is MembershipStatus.LAPSED
    assert await gpwebpay.charges_against(await master_order(payments_resources, membership)) == []
    assert await notices(payments_resources) == []
