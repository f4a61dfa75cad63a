"""Whole payment flows through the sandbox, as a fan's browser makes them."""

from __future__ import annotations

from typing import Any

from pickey_core.models import Tier
from tests.support.gpwebpay import GpWebpaySandbox, returned_to
from tests.support.payments_fans import ORIGIN, Fan


async def checkout(fan: Fan, body: dict[str, Any]) -> dict[str, Any]:
    answer = await fan.client.post("/checkouts", json=body)
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


async def at_gateway(
    fan: Fan, gpwebpay: GpWebpaySandbox, body: dict[str, Any], outcome: str = "paid"
) -> tuple[dict[str, Any], str | None]:
    """Check out, open the gateway's page, press ``outcome``: the checkout, and the URL the
    browser is sent back to (None for "close browser")."""
    created = await checkout(fan, body)
    assert (await gpwebpay.open_page(created["redirect_url"])).status_code == 200
    return created, await gpwebpay.choose(created["order_number"], outcome)


async def pay(
    fan: Fan, gpwebpay: GpWebpaySandbox, body: dict[str, Any], outcome: str = "paid"
) -> dict[str, Any]:
    """:func:`at_gateway`, then the browser comes back (unless it was closed); the checkout."""
    created, location = await at_gateway(fan, gpwebpay, body, outcome)
    if location is not None:
        back = await fan.client.get(returned_to(location, ORIGIN))
        assert back.status_code == 200, back.text
    return created


async def join(fan: Fan, gpwebpay: GpWebpaySandbox, tier: Tier) -> dict[str, Any]:
    """A paid membership of ``tier`` whose first payment is the master of recurring charges."""
    return await pay(fan, gpwebpay, {"kind": "membership", "tier_id": str(tier.id)})
