"""The fake GP webpay, as a real process over HTTP, driven by our own protocol library."""

from __future__ import annotations

import httpx
import pytest

from pickey_core.gpwebpay.codes import Outcome
from pickey_core.gpwebpay.http_api import BadSignature
from pickey_core.gpwebpay.signing import digest_text, sign
from tests.support.gpwebpay_keys import key_pair
from tests.support.gpwebpay_sandbox_requests import (
    MERCHANT,
    MERCHANT_KEY,
    request,
    verify,
)


def test_round_trip_paid(gateway: httpx.Client) -> None:
    signed = request()
    page = gateway.get(signed.redirect_url(f"{gateway.base_url}/pgw/order.do"))
    assert page.status_code == 200
    assert "Clenstvi Zlaty fanousek" in page.text
    number = dict(signed.fields)["ORDERNUMBER"]

    chosen = gateway.post(
        f"/sandbox/gpwebpay/orders/{MERCHANT}/{number}/outcome", json={"outcome": "paid"}
    )
    assert chosen.status_code == 200
    response = verify(gateway, chosen.json()["redirect_url"])

    assert response.outcome is Outcome.PAID
    assert response.order_number == number
    assert (response.md, response.merordernum, response.userparam1) == ("payment:77", "77", "R")
    orders = gateway.get("/sandbox/gpwebpay/orders").json()
    assert [(o["order_number"], o["state"]) for o in orders] == [(number, "paid")]


def test_round_trip_by_post_form_and_the_page_buttons(gateway: httpx.Client) -> None:
    signed = request(md="")  # blank: not sent at all
    assert "MD" not in signed.form_fields()
    page = gateway.post("/pgw/order.do", data=signed.form_fields())
    assert page.status_code == 200
    number = signed.form_fields()["ORDERNUMBER"]
    chosen = gateway.post(
        f"/sandbox/gpwebpay/orders/{MERCHANT}/{number}/choose", data={"outcome": "declined"}
    )
    assert chosen.status_code == 303
    response = verify(gateway, chosen.headers["location"])
    assert (response.prcode, response.srcode, response.md) == ("30", "1002", None)
    assert response.outcome is Outcome.FAILED


@pytest.mark.parametrize(
    ("outcome", "codes", "expected"),
    [
        ("3ds_failed", ("28", "3000"), Outcome.FAILED),
        ("cancelled", ("50", "0"), Outcome.CANCELLED),
        ("technical", ("1000", "0"), Outcome.UNKNOWN),
        ("technical_26", ("26", "0"), Outcome.UNKNOWN),
        ("soft_decline", ("300", "0"), Outcome.SCA_REQUIRED),
        ("ok_with_srcode", ("0", "1002"), Outcome.FAILED),
        ("declined_cp1250", ("30", "1002"), Outcome.FAILED),
    ],
)
def test_other_outcomes(
    gateway: httpx.Client, outcome: str, codes: tuple[str, str], expected: Outcome
) -> None:
    signed = request(recurring_master=False)
    gateway.get(signed.redirect_url(f"{gateway.base_url}/pgw/order.do")).raise_for_status()
    number = dict(signed.fields)["ORDERNUMBER"]
    chosen = gateway.post(
        f"/sandbox/gpwebpay/orders/{MERCHANT}/{number}/outcome", json={"outcome": outcome}
    ).json()
    response = verify(gateway, chosen["redirect_url"])
    assert (response.prcode, response.srcode) == codes
    assert response.outcome is expected
    assert response.userparam1 is None
    if outcome == "declined_cp1250":
        assert "%ED" in chosen["redirect_url"]  # í in windows-1250, not UTF-8's %C3%AD
        assert response.result_text == "Zamítnuto v autorizačním centru"


def test_close_browser_returns_nothing_and_an_outcome_is_final(gateway: httpx.Client) -> None:
    signed = request()
    gateway.get(signed.redirect_url(f"{gateway.base_url}/pgw/order.do")).raise_for_status()
    number = dict(signed.fields)["ORDERNUMBER"]
    url = f"/sandbox/gpwebpay/orders/{MERCHANT}/{number}/outcome"
    closed = gateway.post(url, json={"outcome": "close_browser_paid"}).json()
    assert closed["redirect_url"] is None
    assert closed["order"]["state"] == "paid"
    assert gateway.post(url, json={"outcome": "paid"}).status_code == 409


def test_the_digest_of_the_response_binds_our_merchant_number(gateway: httpx.Client) -> None:
    signed = request()
    gateway.get(signed.redirect_url(f"{gateway.base_url}/pgw/order.do")).raise_for_status()
    number = dict(signed.fields)["ORDERNUMBER"]
    chosen = gateway.post(
        f"/sandbox/gpwebpay/orders/{MERCHANT}/{number}/outcome", json={"outcome": "paid"}
    ).json()
    with pytest.raises(BadSignature):
        verify(gateway, chosen["redirect_url"], merchant="98765432")


def _send(gateway: httpx.Client, fields: list[tuple[str, str]]) -> httpx.Response:
    return gateway.get("/pgw/order.do", params=tuple(fields))


def _resigned(fields: dict[str, str], key: object = MERCHANT_KEY) -> list[tuple[str, str]]:
    signed = [(k, v) for k, v in fields.items() if k not in {"DIGEST", "LANG"}]
    digest = sign(key, digest_text([v for _, v in signed]))  # type: ignore[arg-type]
    return [*signed, ("DIGEST", digest)]


def _codes(
    gateway: httpx.Client, response: httpx.Response, merchant: str = MERCHANT
) -> tuple[str, str]:
    assert response.status_code == 302, response.text
    returned = verify(gateway, response.headers["location"], merchant)
    return returned.prcode, returned.srcode


@pytest.mark.parametrize(
    ("change", "codes"),
    [
        ({"ORDERNUMBER": "0123"}, ("3", "1")),
        ({"ORDERNUMBER": "1234567890123456"}, ("1", "1")),
        ({"AMOUNT": "12.50"}, ("3", "6")),
        ({"AMOUNT": None}, ("5", "6")),
        ({"CURRENCY": "840"}, ("3", "7")),
        ({"DEPOSITFLAG": "2"}, ("3", "8")),
        ({"MERORDERNUM": "ABC"}, ("3", "10")),
        ({"MD": "x" * 256}, ("1", "25")),
        ({"DESCRIPTION": "Členství"}, ("3", "26")),
        ({"DESCRIPTION": ""}, ("4", "26")),
    ],
)
def test_field_rules_give_prcode_1_to_6_naming_the_field(
    gateway: httpx.Client, change: dict[str, str | None], codes: tuple[str, str]
) -> None:
    fields = dict(request().fields)
    for name, value in change.items():
        if value is None:
            del fields[name]
        else:
            fields[name] = value
    assert _codes(gateway, _send(gateway, _resigned(fields))) == codes
    assert gateway.get("/sandbox/gpwebpay/orders").json() == []


def test_bad_digest_unknown_merchant_and_reused_order_number(gateway: httpx.Client) -> None:
    fields = dict(request().fields)
    tampered = {**fields, "AMOUNT": "1"}
    assert _codes(gateway, _send(gateway, list(tampered.items()))) == ("31", "0")
    other = _resigned(fields, key_pair("other"))
    assert _codes(gateway, _send(gateway, other)) == ("31", "0")
    unknown = _resigned({**fields, "MERCHANTNUMBER": "555"})
    assert _codes(gateway, _send(gateway, unknown), "555") == ("11", "0")
    assert gateway.get("/sandbox/gpwebpay/orders").json() == []

    assert _send(gateway, list(fields.items())).status_code == 200
    again = _send(gateway, list(fields.items()))
    assert _codes(gateway, again) == ("14", "0")
    orders = gateway.get("/sandbox/gpwebpay/orders").json()
    assert [(o["order_number"], o["state"]) for o in orders] == [(fields["ORDERNUMBER"], "pending")]


def test_missing_url_is_an_error_page(gateway: httpx.Client) -> None:
    fields = {k: v for k, v in request().fields if k != "URL"}
    response = _send(gateway, _resigned(fields))
    assert response.status_code == 400
    assert "PRCODE 5, SRCODE 24" in response.text
