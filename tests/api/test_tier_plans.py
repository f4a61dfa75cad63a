"""A tier's yearly price and free trial days: set, changed, removed, and every bad value."""

from __future__ import annotations

from typing import Any

import pytest

from pickey_core.models import MembershipStatus, Tier
from pickey_core.resources import Resources
from tests.support.api_users import ApiUser
from tests.support.db import count
from tests.support.tiers import TIERS, add_membership, create, one, tier_body, tier_rows


async def test_a_tier_with_a_yearly_price_and_a_trial(owner: ApiUser) -> None:
    created = await create(owner, price=9900, yearly_price_amount=99_000, trial_days=7)

    assert (created["yearly_price_amount"], created["trial_days"]) == (99_000, 7)
    listed = (await owner.client.get(TIERS)).json()
    assert (listed[0]["yearly_price_amount"], listed[0]["trial_days"]) == (99_000, 7)
    plain = await create(owner, name="Monthly only", price=5900)
    assert (plain["yearly_price_amount"], plain["trial_days"]) == (None, None)


@pytest.mark.parametrize(
    ("yearly", "currency", "monthly"),
    [(1_000, "CZK", 5_900), (12 * 5_900, "CZK", 5_900), (100, "EUR", 300), (3_600, "EUR", 300)],
    ids=["lowest CZK", "twelve months", "lowest EUR", "twelve months EUR"],
)
async def test_yearly_prices_at_the_bounds_are_accepted(
    yearly: int, currency: str, monthly: int, owner: ApiUser
) -> None:
    created = await create(owner, price=monthly, currency=currency, yearly_price_amount=yearly)
    assert created["yearly_price_amount"] == yearly


@pytest.mark.parametrize(
    ("yearly", "currency", "monthly"),
    [
        (0, "CZK", 5_900),
        (-99_000, "CZK", 5_900),
        (999, "CZK", 5_900),
        (12 * 5_900 + 1, "CZK", 5_900),
        (99, "EUR", 300),
        (3_601, "EUR", 300),
    ],
    ids=[
        "zero",
        "negative",
        "below the lowest price",
        "more than twelve months",
        "EUR low",
        "EUR high",
    ],
)
async def test_yearly_prices_out_of_range_are_refused(
    yearly: int, currency: str, monthly: int, owner: ApiUser, api_resources: Resources
) -> None:
    body = tier_body(price=monthly, currency=currency, yearly_price_amount=yearly)
    response = await owner.client.post(TIERS, json=body)

    assert (response.status_code, response.json()["error"]["code"]) == (
        422,
        "yearly_price_out_of_range",
    )
    assert await count(api_resources, Tier) == 0


@pytest.mark.parametrize(
    "fields",
    [
        {"yearly_price_amount": "99000"},
        {"yearly_price_amount": 990.5},
        {"yearly_price_amount": True},
        {"yearly_currency": "EUR"},
        {"trial_days": 0},
        {"trial_days": 91},
        {"trial_days": "7"},
        {"trial_days": 1.5},
    ],
)
async def test_bad_plan_fields_are_validation_errors(
    fields: dict[str, Any], owner: ApiUser, api_resources: Resources
) -> None:
    response = await owner.client.post(TIERS, json=tier_body(**fields))

    assert (response.status_code, response.json()["error"]["code"]) == (422, "validation_error")
    assert await count(api_resources, Tier) == 0


async def test_edit_and_remove_the_yearly_price_and_the_trial(
    owner: ApiUser, api_resources: Resources
) -> None:
    created = await create(owner, price=9900)
    path = one("", created["id"])

    added = await owner.client.patch(path, json={"yearly_price_amount": 99_000, "trial_days": 14})
    assert (added.json()["yearly_price_amount"], added.json()["trial_days"]) == (99_000, 14)
    too_dear = await owner.client.patch(path, json={"yearly_price_amount": 12 * 9900 + 1})
    assert too_dear.json()["error"]["code"] == "yearly_price_out_of_range"
    # A lower monthly price may not leave the yearly one above twelve months.
    cheaper = await owner.client.patch(path, json={"price_amount": 5_000})
    assert (cheaper.status_code, cheaper.json()["error"]["code"]) == (
        422,
        "yearly_price_out_of_range",
    )
    removed = await owner.client.patch(path, json={"yearly_price_amount": None, "trial_days": None})
    assert (removed.json()["yearly_price_amount"], removed.json()["trial_days"]) == (None, None)
    still = await owner.client.patch(path, json={"price_amount": None})
    assert (still.status_code, still.json()["error"]["code"]) == (422, "validation_error")
    row = (await tier_rows(api_resources))["Na granulkey"]
    assert (row.price_amount, row.yearly_price_amount, row.trial_days) == (9900, None, None)


async def test_members_lock_the_yearly_price_but_not_the_trial(
    owner: ApiUser, api_resources: Resources
) -> None:
    created = await create(owner, price=9900, yearly_price_amount=99_000)
    await add_membership(api_resources, created["id"], MembershipStatus.ACTIVE)
    path = one("", created["id"])

    locked = await owner.client.patch(path, json={"yearly_price_amount": 89_000})
    assert (locked.status_code, locked.json()["error"]["code"]) == (409, "tier_price_locked")
    trial = await owner.client.patch(path, json={"trial_days": 30})
    assert (trial.status_code, trial.json()["trial_days"]) == (200, 30)
    assert (await tier_rows(api_resources))["Na granulkey"].yearly_price_amount == 99_000
