"""The GP webpay sandbox from a test's point of view: orders it received, the outcome a fan picks
on its payment page, planned WS answers. Everything goes over HTTP to the sandbox process."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from tests.support.settings import GPWEBPAY_MERCHANT_NUMBER


class GpWebpaySandbox:
    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http

    async def clear(self) -> None:
        """Forget orders, WS message ids and planned answers (registered merchants stay)."""
        (await self.http.delete("/sandbox/gpwebpay/orders")).raise_for_status()

    async def open_page(self, redirect_url: str) -> httpx.Response:
        """What the fan's browser does with the checkout's redirect URL."""
        return await self.http.get(redirect_url)

    async def choose(self, order_number: str, outcome: str) -> str | None:
        """Press an outcome button on the payment page; the URL the browser is sent back to
        (None for "close browser")."""
        answer = await self.http.post(
            f"/sandbox/gpwebpay/orders/{GPWEBPAY_MERCHANT_NUMBER}/{order_number}/outcome",
            json={"outcome": outcome},
        )
        answer.raise_for_status()
        location: str | None = answer.json()["redirect_url"]
        return location

    async def orders(self) -> list[dict[str, Any]]:
        answer = await self.http.get("/sandbox/gpwebpay/orders")
        answer.raise_for_status()
        orders: list[dict[str, Any]] = answer.json()
        return orders

    async def charges_against(self, master_order_number: str) -> list[dict[str, Any]]:
        """Recurring/regular charges the gateway made against a master order."""
        return [o for o in await self.orders() if o["master_order_number"] == master_order_number]

    async def plan(self, *steps: dict[str, Any]) -> None:
        """What the next WS charges answer: ``{"kind": "decline", "primary": 30, ...}``."""
        answer = await self.http.post("/sandbox/gpwebpay/ws-plan", json={"next": list(steps)})
        answer.raise_for_status()


def returned_to(location: str, origin: str) -> str:
    """The gateway's redirect back to us, on the payments app at ``origin`` (its path and query
    kept exactly as the gateway wrote them)."""
    parts = urlsplit(location)
    return f"{origin}{parts.path}?{parts.query}"


def sent_fields(redirect_url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(redirect_url).query, keep_blank_values=True))
