"""Upgrade now: the prorated difference is charged against the master payment through the
sandbox's WS API, booked in the ledger, and only then is the new tier the fan's."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import update

from pickey_core.models import Membership, MembershipStatus, OutboxMessage, Payment, PaymentKind
from pickey_core.models import PaymentState as State
from pickey_core.queue.contracts import AnnouncePayment, ChargeUpgrade
from pickey_core.resources import Resources
from pickey_payments.gateway import Gateway
from pickey_payments.renewals.upgrade_charges import charge_upgrade
from tests.payments.flows import join
from tests.payments.money import entries_of_payment, unbalanced_transactions
from tests.support import factories
from tests.support.db import all_rows
from tests.support.gpwebpay import GpWebpaySandbox
from tests.support.payments_fans import Fan, FanFactory, Shop
from tests.support.payments_jobs import run_queued_jobs
from tests.support.renewals import master_order, membership_of


@pytest.fixture
async def member(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> tuple[Fan, Membership]:
    """A paid 99 Kč member halfway (to the second, see :func:`halfway`) through a 30-day period."""
    fan = await make_fan()
    await join(fan, gpwebpay, shop.tiers[1])
    membership = await membership_of(payments_resources, fan)
    await halfway(payments_resources, membership.id)
    return fan, membership


async def halfway(resources: Resources, membership_id: uuid.UUID) -> None:
    """A 30-day period with at most 15 days left at the request (one second less, so that the
    request's truncation to the whole second never makes it more): 99 → 199 Kč costs exactly
    ⌈10 000 x (15 days - a few seconds) / 30 days⌉ = 5 000 haléřů."""
    end = datetime.now(UTC) + timedelta(days=15) - timedelta(seconds=1)
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Membership)
            .where(Membership.id == membership_id)
            .values(current_period_start=end - timedelta(days=30), current_period_end=end)
        )


async def upgrade(fan: Fan, membership_id: uuid.UUID, tier_id: Any) -> Any:
    return await fan.client.post(
        f"/memberships/{membership_id}/upgrade", json={"tier_id": str(tier_id)}
    )


async def run_upgrade_jobs(
    resources: Resources, gateway: Gateway, *, expect_retry: bool = False
) -> None:
    """Run every queued upgrade charge job as the payments worker would (the real handler)."""
    await run_queued_jobs(
        resources, gateway, ChargeUpgrade, charge_upgrade, expect_retry=expect_retry
    )


async def upgrades_of(resources: Resources, membership_id: uuid.UUID) -> list[Payment]:
    return await all_rows(
        resources,
        Payment,
        Payment.membership_id == membership_id,
        Payment.kind == PaymentKind.UPGRADE.value,
    )


async def test_an_upgrade_charges_the_prorated_difference_then_switches_the_tier(
    member: tuple[Fan, Membership],
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    answer = await upgrade(fan, membership.id, shop.tiers[2].id)
    assert answer.status_code == 202, answer.text
    started = answer.json()
    assert (started["amount"], started["currency"], started["state"]) == (5000, "CZK", "pending")
    # Nothing changes before the money moved.
    assert (await membership_of(payments_resources, fan)).tier_id == shop.tiers[1].id

    await run_upgrade_jobs(payments_resources, gateway)
    await run_upgrade_jobs(payments_resources, gateway)  # at-least-once: a second run is a no-op

    [charge] = await gpwebpay.charges_against(await master_order(payments_resources, membership))
    assert (charge["fields"]["kind"], charge["amount"]) == ("processRecurringPayment", "5000")
    [paid] = await upgrades_of(payments_resources, membership.id)
    assert (paid.state, paid.order_number, str(paid.id)) == (
        State.PAID,
        charge["order_number"],
        started["payment_id"],
    )
    upgraded = await membership_of(payments_resources, fan)
    assert (upgraded.tier_id, upgraded.next_tier_id) == (shop.tiers[2].id, None)
    async with payments_resources.sessions() as session:
        booked = await entries_of_payment(session, paid.id)
        assert await unbalanced_transactions(session) == []
    assert booked["gateway_clearing/payment"] == -5000
    assert sum(booked.values()) == 0
    assert paid.receipt_number is not None
    announced = await all_rows(
        payments_resources, OutboxMessage, OutboxMessage.job_name == AnnouncePayment.job_name
    )
    assert str(paid.id) in [row.payload["payment_id"] for row in announced]
    seen = await fan.client.get("/payments")
    assert {"kind": "upgrade", "amount": 5000} in [
        {"kind": item["kind"], "amount": item["amount"]} for item in seen.json()["items"]
    ]


async def test_a_declined_upgrade_leaves_the_old_tier(
    member: tuple[Fan, Membership],
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    await gpwebpay.plan({"kind": "decline", "primary": 30, "secondary": 1005})
    assert (await upgrade(fan, membership.id, shop.tiers[2].id)).status_code == 202

    await run_upgrade_jobs(payments_resources, gateway)

    [failed] = await upgrades_of(payments_resources, membership.id)
    assert (failed.state, failed.prcode, failed.srcode) == (State.FAILED, "30", "1005")
    kept = await membership_of(payments_resources, fan)
    assert (kept.tier_id, kept.status) == (shop.tiers[1].id, MembershipStatus.ACTIVE)
    async with payments_resources.sessions() as session:
        assert await entries_of_payment(session, failed.id) == {}
    # A failed upgrade may be tried again.
    assert (await upgrade(fan, membership.id, shop.tiers[2].id)).status_code == 202


async def test_a_lost_answer_is_asked_about_and_never_charged_twice(
    member: tuple[Fan, Membership],
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    master = await master_order(payments_resources, membership)
    # The gateway answers after our timeout (5 s in tests) but makes the charge.
    await gpwebpay.plan({"kind": "timeout", "seconds": 6})
    assert (await upgrade(fan, membership.id, shop.tiers[2].id)).status_code == 202

    await run_upgrade_jobs(payments_resources, gateway)

    [in_doubt] = await upgrades_of(payments_resources, membership.id)
    assert in_doubt.state is State.UNKNOWN
    assert (await membership_of(payments_resources, fan)).tier_id == shop.tiers[1].id
    for _ in range(50):
        if await gpwebpay.charges_against(master):
            break
        await asyncio.sleep(0.1)
    # Within the lease the job waits rather than touch the charge.
    await run_upgrade_jobs(payments_resources, gateway, expect_retry=True)
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Payment)
            .where(Payment.id == in_doubt.id)
            .values(gateway_called_at=datetime.now(UTC) - timedelta(hours=1))
        )

    await run_upgrade_jobs(payments_resources, gateway)

    assert len(await gpwebpay.charges_against(master)) == 1
    [paid] = await upgrades_of(payments_resources, membership.id)
    assert paid.state is State.PAID
    assert (await membership_of(payments_resources, fan)).tier_id == shop.tiers[2].id


async def test_an_upgrade_paid_after_a_renewal_started_a_new_period_is_refunded(
    member: tuple[Fan, Membership],
    shop: Shop,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, membership = member
    assert (await upgrade(fan, membership.id, shop.tiers[2].id)).status_code == 202
    await halfway(payments_resources, membership.id)  # another period than the charge's

    await run_upgrade_jobs(payments_resources, gateway)

    [paid] = await upgrades_of(payments_resources, membership.id)
    assert paid.state is State.PAID
    assert (await membership_of(payments_resources, fan)).tier_id == shop.tiers[1].id
    async with payments_resources.sessions() as session:
        booked = await entries_of_payment(session, paid.id)
    assert booked["creator/payment"] + booked["creator/refund"] == 0


async def test_refusals(
    make_fan: FanFactory, member: tuple[Fan, Membership], shop: Shop, payments_resources: Resources
) -> None:
    fan, membership = member
    other = await make_fan()
    async with payments_resources.unit_of_work() as session:
        elsewhere = await factories.tier(
            session, await factories.creator(session, await factories.user(session)), 29_900
        )
        closed = await factories.tier(
            session, shop.creator, 29_900, archived_at=datetime.now(UTC), name="Closed"
        )
        euro = await factories.tier(session, shop.creator, 2_000, currency="EUR", name="Euro")
        trial_fan = await make_fan()
        trial = await factories.membership(session, trial_fan.user, shop.tiers[0])
        trial.trial = True
    url = f"/memberships/{membership.id}/upgrade"
    cases: list[tuple[Fan, str, Any, int, str]] = [
        (other, url, {"tier_id": str(shop.tiers[2].id)}, 404, "membership_not_found"),
        (fan, url, {"tier_id": str(elsewhere.id)}, 404, "tier_not_found"),
        (fan, url, {"tier_id": str(uuid.uuid4())}, 404, "tier_not_found"),
        (fan, url, {"tier_id": str(closed.id)}, 409, "tier_archived"),
        (fan, url, {"tier_id": str(shop.tiers[0].id)}, 409, "not_an_upgrade"),
        (fan, url, {"tier_id": str(shop.tiers[1].id)}, 409, "not_an_upgrade"),
        (fan, url, {"tier_id": str(euro.id)}, 409, "not_an_upgrade"),
        (fan, url, {"tier": "x"}, 422, "validation_error"),
        (fan, url, {"tier_id": "not-a-uuid"}, 422, "validation_error"),
        (
            trial_fan,
            f"/memberships/{trial.id}/upgrade",
            {"tier_id": str(shop.tiers[2].id)},
            409,
            "upgrade_not_possible",
        ),
    ]
    for who, path, body, status, code in cases:
        answer = await who.client.post(path, json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), body
    assert (await upgrade(fan, membership.id, shop.tiers[2].id)).status_code == 202
    twice = await upgrade(fan, membership.id, shop.tiers[2].id)
    assert (twice.status_code, twice.json()["error"]["code"]) == (409, "upgrade_in_progress")
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Membership)
            .where(Membership.id == membership.id)
            .values(status=MembershipStatus.LAPSED)
        )
    ended = await upgrade(fan, membership.id, shop.tiers[2].id)
    assert (ended.status_code, ended.json()["error"]["code"]) == (409, "membership_ended")


async def test_a_past_due_member_pays_first(
    member: tuple[Fan, Membership], shop: Shop, payments_resources: Resources
) -> None:
    fan, membership = member
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Membership)
            .where(Membership.id == membership.id)
            .values(status=MembershipStatus.PAST_DUE)
        )
    answer = await upgrade(fan, membership.id, shop.tiers[2].id)
    assert (answer.status_code, answer.json()["error"]["code"]) == (409, "upgrade_not_possible")
    assert await upgrades_of(payments_resources, membership.id) == []
