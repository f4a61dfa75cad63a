"""Reconciliation: payments whose result never came back with the browser are settled by asking
the gateway, through the same path as a return."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from pickey_core.models import Membership, MembershipStatus, Payment, PaymentState
from pickey_core.resources import Resources
from pickey_payments.gateway import Gateway
from pickey_payments.reconciliation import tasks
from pickey_payments.worker_resources import PaymentsWorkerResources
from tests.payments.flows import checkout, pay
from tests.support.db import all_rows
from tests.support.gpwebpay import GpWebpaySandbox
from tests.support.payments_fans import FanFactory, Shop
from tests.support.processes import free_port
from tests.support.settings import TestEnvironment


async def created_ago(resources: Resources, payment_id: str, ago: timedelta) -> None:
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Payment)
            .where(Payment.id == uuid.UUID(payment_id))
            .values(created_at=datetime.now(UTC) - ago)
        )


async def reconcile(resources: Resources, gateway: Gateway) -> int:
    return await tasks.run(
        resources, PaymentsWorkerResources(resources.settings, gateway), datetime.now(UTC)
    )


async def state(resources: Resources, payment_id: str) -> PaymentState:
    [payment] = await all_rows(resources, Payment, Payment.id == uuid.UUID(payment_id))
    return payment.state


async def test_a_closed_browser_after_paying_is_settled_and_the_membership_activated(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    body = {"kind": "membership", "tier_id": str(shop.tiers[0].id)}
    created = await pay(fan, gpwebpay, body, outcome="close_browser_paid")
    # Too early: the fan may still come back.
    assert await reconcile(payments_resources, gateway) == 0
    assert await state(payments_resources, created["payment_id"]) is PaymentState.CREATED

    await created_ago(payments_resources, created["payment_id"], timedelta(minutes=20))
    assert await reconcile(payments_resources, gateway) == 1
    assert await reconcile(payments_resources, gateway) == 0

    assert await state(payments_resources, created["payment_id"]) is PaymentState.PAID
    [membership] = await all_rows(payments_resources, Membership)
    assert membership.status is MembershipStatus.ACTIVE
    assert str(membership.master_payment_id) == created["payment_id"]


async def test_an_abandoned_checkout_is_cancelled_only_once_the_gateway_result_is_final(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    body = {"kind": "membership", "tier_id": str(shop.tiers[0].id)}
    at_page = await pay(fan, gpwebpay, body, outcome="close_browser")
    # Another fan: one fan's second checkout to the same creator would supersede the first.
    never_went = await checkout(await make_fan(), body)
    for created in (at_page, never_went):
        await created_ago(payments_resources, created["payment_id"], timedelta(minutes=30))

    assert await reconcile(payments_resources, gateway) == 0
    assert await state(payments_resources, at_page["payment_id"]) is PaymentState.CREATED

    for created in (at_page, never_went):
        await created_ago(payments_resources, created["payment_id"], timedelta(hours=3))
    async with payments_resources.unit_of_work() as session:
        await session.execute(update(Payment).values(checked_at=None))
    assert await reconcile(payments_resources, gateway) == 2

    for created in (at_page, never_went):
        assert await state(payments_resources, created["payment_id"]) is PaymentState.CANCELLED
    assert await all_rows(payments_resources, Membership) == []


async def test_a_technical_error_is_asked_about_at_once(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    tip = {"kind": "tip", "creator_id": str(shop.creator.id), "amount": 5000, "currency": "CZK"}
    created = await pay(fan, gpwebpay, tip, outcome="technical")
    assert await state(payments_resources, created["payment_id"]) is PaymentState.UNKNOWN

    assert await reconcile(payments_resources, gateway) == 1
    # The sandbox's "technical problem" took no money: the gateway reports it declined.
    assert await state(payments_resources, created["payment_id"]) is PaymentState.FAILED


async def test_an_unreachable_gateway_leaves_payments_to_be_asked_again(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
    test_env: TestEnvironment,
) -> None:
    fan = await make_fan()
    tip = {"kind": "tip", "creator_id": str(shop.creator.id), "amount": 5000, "currency": "CZK"}
    created = await pay(fan, gpwebpay, tip, outcome="close_browser_paid")
    await created_ago(payments_resources, created["payment_id"], timedelta(hours=3))
    nowhere = f"http://127.0.0.1:{free_port()}/pay-ws/v1/PaymentService"
    offline = Gateway.open(test_env.payments(gpwebpay=test_env.gpwebpay(ws_url=nowhere)))
    try:
        assert await reconcile(payments_resources, offline) == 0
    finally:
        await offline.aclose()
    assert await state(payments_resources, created["payment_id"]) is PaymentState.CREATED
    # Asked again later (recheck_every_seconds), with the gateway back: settled.
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Payment).values(checked_at=datetime.now(UTC) - timedelta(hours=1))
        )
    assert await reconcile(payments_resources, gateway) == 1
    assert await state(payments_resources, created["payment_id"]) is PaymentState.PAID
