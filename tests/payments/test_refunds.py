"""Refunds: who may refund, how much, claim → call → record through the sandbox's WS API, a lost
answer resolved by asking (never sent twice), access ended on request, and automatic refunds of
payments that bought nothing. Every amount to the haléř, with the ledger read back."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from pickey_core.models import (
    Membership,
    MembershipStatus,
    OutboxMessage,
    Payment,
    PostAccess,
    PostUnlock,
    Refund,
    RefundState,
    User,
)
from pickey_core.queue.contracts import AnnounceRefund
from pickey_core.resources import Resources
from pickey_payments.gateway import Gateway
from tests.payments.flows import at_gateway, join, pay
from tests.payments.money import account_sums, entries_of_payment, unbalanced_transactions
from tests.support import factories
from tests.support.db import all_rows
from tests.support.gpwebpay import GpWebpaySandbox, returned_to
from tests.support.payments_fans import ORIGIN, Fan, FanFactory, Shop
from tests.support.payments_jobs import run_refund_jobs


async def operator(make_fan: FanFactory, resources: Resources) -> Fan:
    person = await make_fan()
    async with resources.unit_of_work() as session:
        await session.execute(
            update(User).where(User.id == person.user.id).values(is_operator=True)
        )
    person.user.is_operator = True
    return person


async def refund(who: Fan, payment_id: str, **body: Any) -> Any:
    return await who.client.post(f"/payments/{payment_id}/refunds", json=body)


async def sandbox_refunds(gpwebpay: GpWebpaySandbox, order_number: str) -> tuple[int, int]:
    [order] = [o for o in await gpwebpay.orders() if o["order_number"] == order_number]
    return order["refunded"], len(order["refunds"])


async def test_a_creator_refunds_in_parts_up_to_what_was_paid(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    creator = await make_fan(user=shop.owner)
    paid = await join(fan, gpwebpay, shop.tiers[1])  # 99 Kč
    first = await refund(creator, paid["payment_id"], amount=4001, reason="Sorry")
    assert first.status_code == 202, first.text
    assert first.json()["state"] == "requested"
    [done] = await run_refund_jobs(payments_resources, gateway)
    assert (done.state, done.amount) == (RefundState.SUCCEEDED, 4001)
    assert await sandbox_refunds(gpwebpay, paid["order_number"]) == (4001, 1)

    too_much = await refund(creator, paid["payment_id"], amount=5900)
    assert (too_much.status_code, too_much.json()["error"]["code"]) == (
        422,
        "refund_amount_too_large",
    )
    rest = await refund(creator, paid["payment_id"])
    assert rest.json()["amount"] == 5899
    await run_refund_jobs(payments_resources, gateway)
    assert await sandbox_refunds(gpwebpay, paid["order_number"]) == (9900, 2)
    again = await refund(creator, paid["payment_id"], amount=1)
    assert (again.status_code, again.json()["error"]["code"]) == (409, "payment_not_refundable")

    async with payments_resources.unit_of_work() as session:
        booked = await entries_of_payment(session, uuid.UUID(paid["payment_id"]))
        sums = await account_sums(session)
        assert await unbalanced_transactions(session) == []
    # Everything the fan paid went back: the creator, the fee and the VAT are all back to zero
    # for this payment, and the gateway holds nothing of it.
    assert sums[("gateway_clearing", "CZK")] == 0
    assert sums[("refunds", "CZK")] == 0
    assert booked["creator/payment"] + booked["creator/refund"] == 0
    assert sums.get(("creator", "CZK"), 0) == 0
    announced = [
        r for r in await all_rows(payments_resources, OutboxMessage)
        if r.job_name == AnnounceRefund.job_name
    ]  # fmt: skip
    assert len(announced) == 2
    [held] = await all_rows(payments_resources, Membership)
    assert held.status is MembershipStatus.ACTIVE  # not asked to end it


async def test_who_may_refund(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    fan, stranger = await make_fan(), await make_fan()
    creator = await make_fan(user=shop.owner)
    paid = await join(fan, gpwebpay, shop.tiers[0])
    for who in (fan, stranger):
        answer = await refund(who, paid["payment_id"])
        assert (answer.status_code, answer.json()["error"]["code"]) == (403, "refund_not_permitted")
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Payment)
            .where(Payment.id == uuid.UUID(paid["payment_id"]))
            .values(paid_at=datetime.now(UTC) - timedelta(days=31))
        )
    late = await refund(creator, paid["payment_id"])
    assert (late.status_code, late.json()["error"]["code"]) == (403, "refund_window_closed")
    missing = await refund(creator, str(uuid.uuid4()))
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "payment_not_found")
    assert await all_rows(payments_resources, Refund) == []
    ops = await operator(make_fan, payments_resources)
    assert (await refund(ops, paid["payment_id"], amount=100)).status_code == 202
    bad = await refund(ops, paid["payment_id"], amount=0)
    assert bad.status_code == 422


async def test_the_creator_lists_the_refunds_of_payments_made_to_them(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    payments_resources: Resources,
) -> None:
    """Refunds issued, newest first in keyset pages: the creator's own partial refunds and an
    operator's, each amount as requested; a fan without a creator profile is refused."""
    fan = await make_fan()
    creator = await make_fan(user=shop.owner)
    paid = await join(fan, gpwebpay, shop.tiers[0])
    ops = await operator(make_fan, payments_resources)
    for who, amount in ((creator, 1000), (creator, 250), (ops, 1)):
        assert (await refund(who, paid["payment_id"], amount=amount)).status_code == 202
    first = await creator.client.get("/creator/refunds", params={"limit": 2})
    assert first.status_code == 200, first.text
    body = first.json()
    assert [item["amount"] for item in body["items"]] == [1, 250]
    assert {item["payment_id"] for item in body["items"]} == {paid["payment_id"]}
    rest = await creator.client.get(
        "/creator/refunds", params={"limit": 2, "cursor": body["next_cursor"]}
    )
    assert [item["amount"] for item in rest.json()["items"]] == [1000]
    assert rest.json()["next_cursor"] is None
    refused = await fan.client.get("/creator/refunds")
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "not_a_creator")
    broken = await creator.client.get("/creator/refunds", params={"cursor": "not-a-cursor"})
    assert broken.status_code == 400, broken.text


async def test_a_lost_refund_answer_is_asked_about_never_sent_twice(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    ops = await operator(make_fan, payments_resources)
    paid = await join(fan, gpwebpay, shop.tiers[0])
    assert (await refund(ops, paid["payment_id"], amount=2500)).status_code == 202
    await gpwebpay.plan({"kind": "timeout", "seconds": 3})
    impatient = dataclasses.replace(
        gateway, ws_client=dataclasses.replace(gateway.ws, timeout_seconds=1)
    )
    [lost] = await run_refund_jobs(payments_resources, impatient, expect_retry=True)
    assert lost.state is RefundState.UNKNOWN
    # Within the lease the job only waits.
    [still] = await run_refund_jobs(payments_resources, gateway, expect_retry=True)
    assert still.state is RefundState.UNKNOWN
    await lease_over(payments_resources)
    [resolved] = await run_refund_jobs(payments_resources, gateway)
    assert resolved.state is RefundState.SUCCEEDED
    assert await sandbox_refunds(gpwebpay, paid["order_number"]) == (2500, 1)
    async with payments_resources.unit_of_work() as session:
        sums = await account_sums(session)
    assert sums[("gateway_clearing", "CZK")] == -(5900 - 2500)


async def lease_over(resources: Resources) -> None:
    async with resources.unit_of_work() as session:
        await session.execute(
            update(Refund).values(gateway_called_at=datetime.now(UTC) - timedelta(hours=1))
        )


async def test_a_worker_killed_before_the_call_leaves_a_refund_that_is_asked_about(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    """Claimed and committed, then the process died before sending: the gateway made nothing,
    so the refund fails (its reservation released) and may be requested again."""
    fan = await make_fan()
    ops = await operator(make_fan, payments_resources)
    paid = await join(fan, gpwebpay, shop.tiers[0])
    assert (await refund(ops, paid["payment_id"])).status_code == 202
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Refund).values(
                state=RefundState.PENDING.value, gateway_called_at=datetime.now(UTC)
            )
        )
    await lease_over(payments_resources)
    [resolved] = await run_refund_jobs(payments_resources, gateway)
    assert resolved.state is RefundState.FAILED
    assert await sandbox_refunds(gpwebpay, paid["order_number"]) == (0, 0)
    async with payments_resources.unit_of_work() as session:
        sums = await account_sums(session)
        assert await unbalanced_transactions(session) == []
    assert sums[("gateway_clearing", "CZK")] == -5900
    assert sums[("refunds", "CZK")] == 0
    assert (await refund(ops, paid["payment_id"])).status_code == 202


async def test_ending_access_with_a_refund(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    creator = await make_fan(user=shop.owner)
    async with payments_resources.unit_of_work() as session:
        post = await factories.post(
            session, shop.creator, access=PostAccess.PAID, unlock_price_amount=4900,
            unlock_currency="CZK",
        )  # fmt: skip
    member = await join(fan, gpwebpay, shop.tiers[0])
    unlock = await pay(fan, gpwebpay, {"kind": "unlock", "post_id": str(post.id)})
    for paid in (member, unlock):
        answer = await refund(creator, paid["payment_id"], ends_access=True)
        assert answer.status_code == 202, answer.text
    await run_refund_jobs(payments_resources, gateway)
    [held] = await all_rows(payments_resources, Membership)
    assert held.status is MembershipStatus.LAPSED
    assert await all_rows(payments_resources, PostUnlock) == []


async def test_a_double_paid_unlock_is_refunded_automatically(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan, other = await make_fan(), await make_fan()
    async with payments_resources.unit_of_work() as session:
        post = await factories.post(
            session, shop.creator, access=PostAccess.PAID, unlock_price_amount=4900,
            unlock_currency="CZK",
        )  # fmt: skip
    body = {"kind": "unlock", "post_id": str(post.id)}
    await pay(other, gpwebpay, {"kind": "tip", "creator_id": str(shop.creator.id),
                                "amount": 2000, "currency": "CZK"})  # fmt: skip
    await pay(fan, gpwebpay, body)
    # The same post paid again, as by a second device whose checkout raced the first.
    second = await _second_paid_unlock(fan, gpwebpay, payments_resources, body)
    refunds = await run_refund_jobs(payments_resources, gateway)
    assert [(r.payment_id, r.automatic, r.amount, r.state) for r in refunds] == [
        (uuid.UUID(second), True, 4900, RefundState.SUCCEEDED)
    ]
    assert len(await all_rows(payments_resources, PostUnlock)) == 1


async def _second_paid_unlock(
    fan: Fan, gpwebpay: GpWebpaySandbox, resources: Resources, body: dict[str, Any]
) -> str:
    """Pay the unlock again: checkout refuses it (already unlocked), so the unlock row is
    hidden for the checkout and put back before the return, as a race would leave it."""
    [row] = await all_rows(resources, PostUnlock)
    async with resources.unit_of_work() as session:
        await session.delete(await session.merge(row))
    created, location = await at_gateway(fan, gpwebpay, body)
    async with resources.unit_of_work() as session:
        session.add(PostUnlock(user_id=row.user_id, post_id=row.post_id, payment_id=row.payment_id))
    assert location is not None
    back = await fan.client.get(returned_to(location, ORIGIN))
    assert back.json()["outcome"] == "paid"
    return str(created["payment_id"])


async def test_a_payment_completed_after_the_account_was_deleted_is_refunded(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    created, location = await at_gateway(
        fan, gpwebpay, {"kind": "membership", "tier_id": str(shop.tiers[0].id)}
    )
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(User).where(User.id == fan.user.id).values(deleted_at=datetime.now(UTC))
        )
    assert location is not None
    await fan.client.get(returned_to(location, ORIGIN))
    [done] = await run_refund_jobs(payments_resources, gateway)
    assert (done.payment_id, done.automatic, done.amount) == (
        uuid.UUID(created["payment_id"]),
        True,
        5900,
    )
    assert done.state is RefundState.SUCCEEDED
    assert await all_rows(payments_resources, Membership) == []
