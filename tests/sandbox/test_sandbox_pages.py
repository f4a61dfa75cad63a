"""What a developer sees in the sandbox: the gateway's page in Czech with the amount as people
write it, the overview that finishes a pending order, and health and errors like our services."""

from __future__ import annotations

import httpx
import pytest

from pickey_sandbox.gpwebpay.page import format_amount
from tests.support.gpwebpay_sandbox_requests import MERCHANT, request, verify


@pytest.mark.parametrize(
    ("minor_units", "currency", "shown"),
    [
        ("9900", "203", "99,00\u00a0Kč"),
        ("5", "203", "0,05\u00a0Kč"),
        ("123456789", "203", "1\u00a0234\u00a0567,89\u00a0Kč"),
        ("1050", "978", "10,50\u00a0€"),
        ("100", "999", "1,00\u00a0(měna 999)"),
    ],
)
def test_amounts_are_written_the_czech_way(minor_units: str, currency: str, shown: str) -> None:
    assert format_amount(minor_units, currency) == shown


def test_the_payment_page_shows_99_kc_in_czech(gateway: httpx.Client) -> None:
    signed = request()
    page = gateway.get(signed.redirect_url(f"{gateway.base_url}/pgw/order.do"))
    assert page.status_code == 200
    assert 'lang="cs"' in page.text
    assert "99,00\u00a0Kč" in page.text
    assert "currency 203" not in page.text
    assert "Zaplatit" in page.text
    assert "Zrušit platbu" in page.text


def test_the_overview_finishes_a_pending_order_with_a_chosen_outcome(
    gateway: httpx.Client,
) -> None:
    signed = request()
    gateway.get(signed.redirect_url(f"{gateway.base_url}/pgw/order.do")).raise_for_status()
    number = dict(signed.fields)["ORDERNUMBER"]
    overview = gateway.get("/sandbox/gpwebpay")
    action = f"/sandbox/gpwebpay/orders/{MERCHANT}/{number}/choose"
    assert f'action="{action}"' in overview.text
    assert "99,00\u00a0Kč" in overview.text
    finished = gateway.post(action, data={"outcome": "paid"})
    assert finished.status_code == 303
    assert verify(gateway, finished.headers["location"]).prcode == "0"
    # Finished: listed with its state, no longer offered.
    after = gateway.get("/sandbox/gpwebpay")
    assert f'action="{action}"' not in after.text
    assert "paid" in after.text


def test_readyz_and_errors_in_the_common_shape(sandbox_url: str) -> None:
    with httpx.Client(base_url=sandbox_url) as http:
        assert http.get("/readyz").json() == {"status": "ready"}
        missing = http.get("/no-such-page")
        wrong_method = http.delete("/livez")
        invalid = http.post("/sandbox/gpwebpay/orders/1/2/outcome", json={"nope": 1})
        unknown_order = http.post("/sandbox/gpwebpay/orders/1/2/outcome", json={"outcome": "paid"})
    for response, status, code in [
        (missing, 404, "not_found"),
        (wrong_method, 405, "method_not_allowed"),
        (invalid, 422, "validation_error"),
        (unknown_order, 404, "not_found"),
    ]:
        assert response.status_code == status
        body = response.json()
        assert set(body) == {"error"}
        assert body["error"]["code"] == code
        assert body["error"]["message"]
    assert {tuple(d["loc"]) for d in invalid.json()["error"]["details"]} == {
        ("body", "outcome"),
        ("body", "nope"),
    }
