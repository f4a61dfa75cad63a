"""Never leave a payment wrong: gateway refusals of a request, paid returns that contradict an
earlier result, and checkouts superseded by a newer one. Each case ends with the money (what the
gateway took) and the access (membership, unlock) consistent."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import httpx
from sqlalchemy import update

from pickey_core.models import (
    Membership,
    MembershipStatus,
    OutboxMessage,
    Payment,
    PaymentState,
    Refund,
)
from pickey_core.queue.contracts import AnnouncePayment, RecheckPayment
from pickey_core.queue.worker import JobContext
from pickey_core.resources import Resources
from pickey_payments.billing_period import add_month
from pickey_payments.gateway import Gateway
from pickey_payments.settlement.tasks import recheck_payment
from pickey_payments.worker_resources import PaymentsWorkerResources
from tests.payments.flows import at_gateway, checkout
from tests.support.db import all_rows
from tests.support.gateway_returns import paid_return
from tests.support.gpwebpay import GpWebpaySandbox, returned_to
from tests.support.payments_fans import ORIGIN, Fan, FanFactory, Shop

BROWSER = {"Accept": "text/html"}
RETURN = f"{ORIGIN}/payments/v1/gpwebpay/return"


def membership(shop: Shop, tier: int = 0) -> dict[str, Any]:
    return {"kind": "membership", "tier_id": str(shop.tiers[tier].id)}


async def come_back(fan: Fan, location: str, **headers: str) -> httpx.Response:
    return await fan.client.get(returned_to(location, ORIGIN), headers=headers)


async def payment(resources: Resources, payment_id: str) -> Payment:
    [row] = await all_rows(resources, Payment, Payment.id == uuid.UUID(payment_id))
    return row


async def rechecks(resources: Resources) -> list[OutboxMessage]:
    rows = await all_rows(resources, OutboxMessage)
    return [row for row in rows if row.job_name == RecheckPayment.job_name]


async def run_rechecks(resources: Resources, gateway: Gateway) -> int:
    """What the payments worker does with each queued recheck (the real handler, in-process)."""
    jobs = await rechecks(resources)
    for job in jobs:
        context = JobContext(
            resources, PaymentsWorkerResources(resources.settings, gateway), str(job.id), 1
        )
        await recheck_payment(context, RecheckPayment.model_validate(job.payload))
    return len(jobs)


async def announced(resources: Resources) -> list[str]:
    rows = await all_rows(resources, OutboxMessage)
    return [r.payload["payment_id"] for r in rows if r.job_name == AnnouncePayment.job_name]


async def test_a_refused_request_then_the_genuine_paid_return_grants_the_membership(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    """The issue's case: a signed PRCODE 31 for the order, then the fan pays the real request."""
    fan = await make_fan()
    created = await checkout(fan, membership(shop))
    parts = urlsplit(created["redirect_url"])
    mangled = [(k, "A" + v[1:] if k == "DIGEST" else v) for k, v in parse_qsl(parts.query)]
    refused = await gpwebpay.http.get(
        f"{parts.scheme}://{parts.netloc}{parts.path}?{urlencode(mangled)}"
    )
    assert refused.status_code == 302
    location = refused.headers["location"]
    assert "PRCODE=31" in location

    browser = await come_back(fan, location, **BROWSER)
    assert browser.status_code == 303
    assert "outcome=error&error=gateway_refused_request" in browser.headers["location"]
    assert (await payment(payments_resources, created["payment_id"])).state is PaymentState.CREATED

    assert (await gpwebpay.open_page(created["redirect_url"])).status_code == 200
    paid = await gpwebpay.choose(created["order_number"], "paid")
    assert paid is not None
    assert (await come_back(fan, paid)).json()["outcome"] == "paid"
    # A late copy of the refusal changes nothing either.
    assert (await come_back(fan, location)).json()["outcome"] == "paid"
    [held] = await all_rows(payments_resources, Membership)
    assert held.status is MembershipStatus.ACTIVE
    assert await announced(payments_resources) == [created["payment_id"]]


async def test_a_paid_return_for_a_failed_payment_asks_the_gateway_and_grants(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    """Settled ``failed`` earlier (as the old code did with a refusal), then paid: the gateway's
    answer wins and the fan gets what they paid for, once."""
    fan = await make_fan()
    created, location = await at_gateway(fan, gpwebpay, membership(shop))
    assert location is not None
    async with payments_resources.unit_of_work() as session:
        await session.execute(
            update(Payment)
            .where(Payment.id == uuid.UUID(created["payment_id"]))
            .values(state=PaymentState.FAILED.value, prcode="31")
        )
    answer = await come_back(fan, location)
    assert answer.json()["outcome"] == "failed"  # until the gateway has been asked
    assert await all_rows(payments_resources, Membership) == []
    assert len(await rechecks(payments_resources)) == 1

    assert await run_rechecks(payments_resources, gateway) == 1
    await run_rechecks(payments_resources, gateway)  # a duplicate job changes nothing

    row = await payment(payments_resources, created["payment_id"])
    assert (row.state, row.prcode) == (PaymentState.PAID, "0")
    [held] = await all_rows(payments_resources, Membership)
    assert held.status is MembershipStatus.ACTIVE
    assert held.current_period_end == add_month(held.current_period_start)  # type: ignore[arg-type]
    assert await announced(payments_resources) == [created["payment_id"]]


async def test_a_paid_return_the_gateway_does_not_confirm_changes_nothing(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    """The gateway says declined: the earlier result stands, no access is given."""
    fan = await make_fan()
    created, declined = await at_gateway(fan, gpwebpay, membership(shop), "declined")
    assert declined is not None
    await come_back(fan, declined)
    # A paid return for the same order, signed with the gateway's key (a gateway mistake, or
    # a leaked key), arrives afterwards.
    answer = await fan.client.get(f"{RETURN}?{urlencode(paid_return(created))}")
    assert answer.json()["outcome"] == "failed"
    assert await run_rechecks(payments_resources, gateway) == 1
    row = await payment(payments_resources, created["payment_id"])
    assert row.state is PaymentState.FAILED
    assert await all_rows(payments_resources, Membership) == []
    assert await announced(payments_resources) == []


async def test_a_second_checkout_supersedes_the_first_and_a_double_payment_is_never_62_days(
    make_fan: FanFactory,
    shop: Shop,
    gpwebpay: GpWebpaySandbox,
    gateway: Gateway,
    payments_resources: Resources,
) -> None:
    fan = await make_fan()
    first, first_back = await at_gateway(fan, gpwebpay, membership(shop))
    second, second_back = await at_gateway(fan, gpwebpay, membership(shop, 1))
    assert first_back is not None
    assert second_back is not None
    superseded = await payment(payments_resources, first["payment_id"])
    assert (superseded.state, superseded.result_text) == (
        PaymentState.CANCELLED,
        "superseded by a newer checkout",
    )
    # The newer one comes back first and starts the membership.
    assert (await come_back(fan, second_back)).json()["outcome"] == "paid"
    # The superseded one was paid anyway: the gateway confirms it, nothing is extended.
    await come_back(fan, first_back)
    assert await run_rechecks(payments_resources, gateway) == 1
    [held] = await all_rows(payments_resources, Membership)
    assert held.tier_id == shop.tiers[1].id
    assert held.current_period_end == add_month(held.current_period_start)  # type: ignore[arg-type]
    assert (await payment(payments_resources, first["payment_id"])).state is PaymentState.PAID
    assert await announced(payments_resources) == [second["payment_id"]]
    # The second charge goes back to the fan, in full, by the platform.
    [refund] = await all_rows(payments_resources, Refund)
    assert (refund.payment_id, refund.amount, refund.automatic) == (
        uuid.UUID(first["payment_id"]),
        5900,
        True,
    )


async def test_one_open_checkout_per_creator_others_untouched(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan, other_fan = await make_fan(), await make_fan()
    tip = {"kind": "tip", "creator_id": str(shop.creator.id), "amount": 5000, "currency": "CZK"}
    others = await checkout(other_fan, membership(shop))
    firsts = [await checkout(fan, membership(shop)) for _ in range(3)]
    last = await checkout(fan, tip)
    states = {p.id: p.state for p in await all_rows(payments_resources, Payment)}
    assert [states[uuid.UUID(c["payment_id"])] for c in firsts] == [PaymentState.CANCELLED] * 3
    assert states[uuid.UUID(last["payment_id"])] is PaymentState.CREATED
    assert states[uuid.UUID(others["payment_id"])] is PaymentState.CREATED
