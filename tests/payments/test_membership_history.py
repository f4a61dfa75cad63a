"""The append-only membership history: what each flow records, cancellation reasons, and the
database refusing to change a recorded event."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, update
from sqlalchemy.exc import DBAPIError

from pickey_core.models import (
    BillingInterval,
    CancellationReason,
    Membership,
    MembershipEvent,
    MembershipEventKind,
    MembershipStatus,
)
from pickey_core.resources import Resources
from pickey_payments import membership_history
from pickey_payments.memberships import dunning
from tests.payments import flows
from tests.support import factories
from tests.support.db import all_rows
from tests.support.gpwebpay import GpWebpaySandbox
from tests.support.payments_fans import FanFactory, Shop

K = MembershipEventKind


async def _history(resources: Resources) -> list[tuple[str, int, int, str | None, str | None]]:
    events = sorted(await all_rows(resources, MembershipEvent), key=lambda event: event.id)
    return [
        (
            event.kind.value,
            event.monthly_amount,
            event.mrr_delta,
            event.reason.value if event.reason else None,
            event.reason_text,
        )
        for event in events
    ]


async def test_join_cancel_with_a_reason_resume_and_lapse(
    make_fan: FanFactory, shop: Shop, gpwebpay: GpWebpaySandbox, payments_resources: Resources
) -> None:
    fan = await make_fan()
    await flows.join(fan, gpwebpay, shop.tiers[1])
    [membership] = await all_rows(payments_resources, Membership)
    url = f"/memberships/{membership.id}"

    why = {"reason": "too_expensive", "reason_text": "  Na steaky teď nemám.  "}
    assert (await fan.client.post(f"{url}/cancel", json=why)).status_code == 200
    # Cancelling again records nothing more (and its reason is not asked twice).
    assert (await fan.client.post(f"{url}/cancel", json={"reason": "other"})).status_code == 200
    assert (await fan.client.post(f"{url}/resume")).status_code == 200
    assert (await fan.client.post(f"{url}/cancel")).status_code == 200  # no body: no reason
    async with payments_resources.unit_of_work() as session:
        held = await session.get(Membership, membership.id)
        assert held is not None
        await dunning.lapse(session, held, datetime.now(UTC), tell_fan=False)

    assert await _history(payments_resources) == [
        ("started", 9900, 9900, None, None),
        ("cancelled", 9900, -9900, "too_expensive", "Na steaky teď nemám."),
        ("resumed", 9900, 9900, None, None),
        ("cancelled", 9900, -9900, None, None),
        ("lapsed", 9900, 0, None, None),
    ]


async def test_failed_renewals_then_a_cancel_lapse_at_once_with_the_reason(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        membership = await factories.membership(session, fan.user, shop.tiers[0])
        # History as the first payment would have left it.
        await membership_history.record(session, membership, K.STARTED, datetime.now(UTC))
        membership.status = MembershipStatus.PAST_DUE
        await membership_history.record(session, membership, K.PAST_DUE, datetime.now(UTC))
    answer = await fan.client.post(
        f"/memberships/{membership.id}/cancel", json={"reason": "financial_reasons"}
    )
    assert answer.json()["status"] == "lapsed"
    assert await _history(payments_resources) == [
        ("started", 5900, 5900, None, None),
        ("past_due", 5900, 0, None, None),  # still retried: still in MRR
        ("cancelled", 5900, 0, "financial_reasons", None),
        ("lapsed", 5900, -5900, None, None),
    ]


@pytest.mark.parametrize(
    "body",
    [
        {"reason": "bored"},  # not in the list
        {"reason_text": "no reason picked"},  # text needs a reason
        {"reason": "other", "reason_text": "x" * 501},  # too long
        {"reason": "other", "reason_text": "nul \u0000"},  # PostgreSQL cannot store it
        {"reason": "other", "extra": 1},
        [1, 2],
    ],
)
async def test_bad_cancellation_reasons_are_422_and_change_nothing(
    body: object, make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        membership = await factories.membership(session, fan.user, shop.tiers[0])
    answer = await fan.client.post(f"/memberships/{membership.id}/cancel", json=body)
    assert (answer.status_code, answer.json()["error"]["code"]) == (422, "validation_error")
    [unchanged] = await all_rows(payments_resources, Membership)
    assert unchanged.cancel_at_period_end is False
    assert await all_rows(payments_resources, MembershipEvent) == []


async def test_the_database_refuses_to_change_history_except_erasing_the_fans_words(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        membership = await factories.membership(session, fan.user, shop.tiers[0])
    await fan.client.post(
        f"/memberships/{membership.id}/cancel", json={"reason": "other", "reason_text": "Ahoj"}
    )
    [event] = await all_rows(payments_resources, MembershipEvent)
    changes = [
        update(MembershipEvent).values(mrr_delta=0),
        update(MembershipEvent).values(occurred_at=datetime.now(UTC) - timedelta(days=40)),
        update(MembershipEvent).values(reason_text=None, reason=None),
        delete(MembershipEvent),
    ]
    for change in changes:
        with pytest.raises(DBAPIError, match="append-only"):
            async with payments_resources.unit_of_work() as session:
                await session.execute(change)
    async with payments_resources.unit_of_work() as session:
        await session.execute(update(MembershipEvent).values(reason_text=None))
    [erased] = await all_rows(payments_resources, MembershipEvent)
    assert (erased.reason, erased.reason_text, erased.mrr_delta) == (
        CancellationReason.OTHER,
        None,
        event.mrr_delta,
    )


@pytest.mark.parametrize(
    ("amount", "interval", "monthly"),
    [
        (9900, "month", 9900),
        (99000, "year", 8250),
        (100006, "year", 8334),  # 8333.83 rounds up
        (100002, "year", 8334),  # 8333.5 rounds half up
        (100001, "year", 8333),  # 8333.42 rounds down
    ],
)
def test_a_yearly_charge_counts_a_twelfth_per_month_to_the_haler(
    amount: int, interval: str, monthly: int
) -> None:
    assert membership_history.monthly_of(amount, BillingInterval(interval)) == monthly
