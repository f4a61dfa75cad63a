"""Whole payment flows through the sandbox, as a fan's browser makes them."""

from __future__ import annotations

from typing import Any

from pickey_core.models import Tier
from tests.payments.conftest import ORIGIN, Fan
from tests.support.gpwebpay import GpWebpaySandbox, returned_to


async def pay(
    fan: Fan, gpwebpay: GpWebpaySandbox, body: dict[str, Any], outcome: str = "paid"
) -> dict[str, Any]:
    """Check out, open the gateway's page, press ``outcome``, come back; the checkout."""
    answer = await fan.client.post("/checkouts", json=body)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    assert (await gpwebpay.open_page(created["redirect_url"])).status_code == 200
    location = await gpwebpay.choose(created["order_number"], outcome)
    if location is not None:
        back = await fan.client.get(returned_to(location, ORIGIN))
        assert back.status_code == 200, back.text
    return created


async def join(fan: Fan, gpwebpay: GpWebpaySandbox, tier: Tier) -> dict[str, Any]:
    """A paid membership of ``tier`` whose first payment is the master of recurring charges."""
    return await pay(fan, gpwebpay, {"kind": "membership", "tier_id": str(tier.id)})
