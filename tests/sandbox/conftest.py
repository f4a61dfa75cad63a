"""Fixtures shared by the sandbox tests."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.support.gpwebpay_keys import public_pem
from tests.support.gpwebpay_sandbox_requests import MERCHANT, MERCHANT_KEY


@pytest.fixture
def gateway(sandbox_url: str) -> Iterator[httpx.Client]:
    """The sandbox with no orders and our throwaway merchant key registered."""
    with httpx.Client(base_url=sandbox_url, timeout=10) as http:
        http.delete("/sandbox/gpwebpay/orders").raise_for_status()
        http.post(
            "/sandbox/gpwebpay/merchants",
            json={"merchant_number": MERCHANT, "public_key": public_pem(MERCHANT_KEY)},
        ).raise_for_status()
        yield http
