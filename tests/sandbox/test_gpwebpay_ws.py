"""Our WS (SOAP) client against the fake gateway's WS endpoint, both real, over HTTP."""

from __future__ import annotations

import asyncio
import random

import httpx
import pytest

from pickey_core.gpwebpay.codes import Outcome
from pickey_core.gpwebpay.http_api import OrderRequest, build_order_request
from pickey_core.gpwebpay.keys import load_public_key
from pickey_core.gpwebpay.ws_client import (
    GpWebpayWsClient,
    WsBadSignature,
    WsFault,
    message_id_for,
)
from pickey_core.providers.errors import ProviderUnavailable
from tests.support.gpwebpay_keys import key_pair
from tests.support.gpwebpay_sandbox_requests import MERCHANT, MERCHANT_KEY

# ``gateway`` (the sandbox with no orders and MERCHANT_KEY registered) is tests/sandbox/conftest's.


def client(gateway: httpx.Client, **changes: object) -> GpWebpayWsClient:
    values: dict[str, object] = {
        "url": f"{gateway.base_url}/pay-ws/v1/PaymentService",
        "provider": "0100",
        "merchant_number": MERCHANT,
        "merchant_key": MERCHANT_KEY,
        "gateway_key": load_public_key(gateway.get("/sandbox/gpwebpay/public-key.pem").content),
        "timeout_seconds": 5.0,
    }
    values.update(changes)
    return GpWebpayWsClient(**values)  # type: ignore[arg-type]


def paid_master(gateway: httpx.Client, *, recurring: bool = True, outcome: str = "paid") -> str:
    """A master order paid through the HTTP API, as a fan's first membership payment."""
    number = str(random.randint(10**9, 10**14))
    signed = build_order_request(
        OrderRequest(
            merchant_number=MERCHANT,
            order_number=number,
            amount=9900,
            currency="CZK",
            url="https://pay.pickey.test/return",
            recurring_master=recurring,
        ),
        MERCHANT_KEY,
    )
    gateway.get("/pgw/order.do", params=list(signed.fields)).raise_for_status()
    gateway.post(
        f"/sandbox/gpwebpay/orders/{MERCHANT}/{number}/outcome", json={"outcome": outcome}
    ).raise_for_status()
    return number


def test_message_ids_are_deterministic_and_valid() -> None:
    first = message_id_for("membership:42:2026-11")
    assert first == message_id_for("membership:42:2026-11")
    assert first != message_id_for("membership:42:2026-12")
    assert len(first) == 64


async def test_status_of_a_paid_and_of_a_pending_order(gateway: httpx.Client) -> None:
    master = paid_master(gateway)
    ws = client(gateway)
    status = await ws.get_payment_status(message_id_for(f"status:{master}"), master)
    assert (status.state, status.outcome) == ("7", Outcome.PAID)
    cancelled = paid_master(gateway, outcome="cancelled")
    status = await ws.get_payment_status(message_id_for(f"status:{cancelled}"), cancelled)
    assert status.outcome is Outcome.CANCELLED


async def test_recurring_and_regular_charges_against_the_master(gateway: httpx.Client) -> None:
    master = paid_master(gateway)
    ws = client(gateway)
    charge = await ws.process_recurring_payment(
        message_id_for(f"renewal:{master}:1"),
        payment_number=str(int(master) + 1),
        master_payment_number=master,
        order_number="77",
        amount=9900,
        currency_code="203",
        capture=True,
    )
    assert charge.auth_code
    regular = await ws.process_regular_subscription_payment(
        message_id_for(f"renewal:{master}:2"),
        payment_number=str(int(master) + 2),
        master_payment_number=master,
        subscription_amount=9900,
    )
    assert regular.message_id == message_id_for(f"renewal:{master}:2")
    status = await ws.get_payment_status(message_id_for(f"status:{master}:2"), str(int(master) + 2))
    assert status.outcome is Outcome.PAID


async def test_reused_message_id_is_fault_80_and_charges_once(gateway: httpx.Client) -> None:
    master = paid_master(gateway)
    ws = client(gateway)
    message_id = message_id_for(f"renewal:{master}:once")
    await ws.process_regular_subscription_payment(
        message_id, payment_number=str(int(master) + 1), master_payment_number=master
    )
    with pytest.raises(WsFault) as raised:
        await ws.process_regular_subscription_payment(
            message_id, payment_number=str(int(master) + 2), master_payment_number=master
        )
    assert (raised.value.primary, raised.value.outcome) == ("80", Outcome.OUR_BUG)
    charges = [
        o for o in gateway.get("/sandbox/gpwebpay/orders").json() if o["master_order_number"]
    ]
    assert len(charges) == 1


async def test_broken_chain_and_planned_decline_are_signed_faults(gateway: httpx.Client) -> None:
    ws = client(gateway)
    not_recurring = paid_master(gateway, recurring=False)
    with pytest.raises(WsFault) as raised:
        await ws.process_recurring_payment(
            message_id_for(f"r:{not_recurring}"),
            payment_number=str(int(not_recurring) + 1),
            master_payment_number=not_recurring,
        )
    assert raised.value.outcome is Outcome.CHAIN_BROKEN

    master = paid_master(gateway)
    gateway.post(
        "/sandbox/gpwebpay/ws-plan", json={"next": [{"kind": "decline", "primary": 30}]}
    ).raise_for_status()
    with pytest.raises(WsFault) as raised:
        await ws.process_recurring_payment(
            message_id_for(f"r:{master}"),
            payment_number=str(int(master) + 1),
            master_payment_number=master,
        )
    assert (raised.value.primary, raised.value.secondary) == ("30", "1002")
    assert raised.value.outcome is Outcome.FAILED


async def test_our_bad_signature_is_fault_31(gateway: httpx.Client) -> None:
    master = paid_master(gateway)
    ws = client(gateway, merchant_key=key_pair("other"))
    with pytest.raises(WsFault) as raised:
        await ws.get_payment_status(message_id_for(f"s:{master}"), master)
    assert raised.value.primary == "31"


async def test_a_badly_signed_answer_is_refused(gateway: httpx.Client) -> None:
    master = paid_master(gateway)
    gateway.post(
        "/sandbox/gpwebpay/ws-plan", json={"next": [{"kind": "bad_signature"}]}
    ).raise_for_status()
    with pytest.raises(WsBadSignature):
        await client(gateway).process_recurring_payment(
            message_id_for(f"r:{master}"),
            payment_number=str(int(master) + 1),
            master_payment_number=master,
        )
    other_gateway = client(gateway, gateway_key=key_pair("other").public_key())
    with pytest.raises(WsBadSignature):
        await other_gateway.get_payment_status(message_id_for(f"s:{master}"), master)


async def test_a_timeout_is_provider_unavailable_and_status_tells_what_happened(
    gateway: httpx.Client,
) -> None:
    master = paid_master(gateway)
    gateway.post(
        "/sandbox/gpwebpay/ws-plan", json={"next": [{"kind": "timeout", "seconds": 1.0}]}
    ).raise_for_status()
    charge = str(int(master) + 1)
    with pytest.raises(ProviderUnavailable):
        await client(gateway, timeout_seconds=0.3).process_recurring_payment(
            message_id_for(f"r:{master}"), payment_number=charge, master_payment_number=master
        )
    ws = client(gateway)
    with pytest.raises(WsFault) as retried:  # a blind retry with the same id cannot charge twice
        await ws.process_recurring_payment(
            message_id_for(f"r:{master}"), payment_number=charge, master_payment_number=master
        )
    assert retried.value.primary == "80"
    for attempt in range(40):  # the sandbox finishes the charge after its delay
        try:
            status = await ws.get_payment_status(message_id_for(f"s:{charge}:{attempt}"), charge)
        except WsFault as fault:
            if fault.primary != "15":  # 15: not found yet
                raise
            await asyncio.sleep(0.1)
            continue
        assert status.outcome is Outcome.PAID
        break
    else:
        pytest.fail("the charge never showed up")


async def test_unreachable_gateway_is_provider_unavailable() -> None:
    ws = GpWebpayWsClient(
        url="http://127.0.0.1:9/pay-ws/v1/PaymentService",
        provider="0100",
        merchant_number=MERCHANT,
        merchant_key=MERCHANT_KEY,
        gateway_key=key_pair("gateway").public_key(),
        timeout_seconds=2,
    )
    with pytest.raises(ProviderUnavailable):
        await ws.get_payment_status(message_id_for("x"), "1")
    with pytest.raises(ValueError, match="messageId"):
        await ws.get_payment_status("short", "1")


def refunded_in_sandbox(gateway: httpx.Client, number: str) -> tuple[int, str]:
    [order] = [
        o for o in gateway.get("/sandbox/gpwebpay/orders").json() if o["order_number"] == number
    ]
    return order["refunded"], order["state"]


async def test_partial_refunds_up_to_the_original_amount_then_nothing_is_left(
    gateway: httpx.Client,
) -> None:
    paid = paid_master(gateway, recurring=False)
    ws = client(gateway)
    await ws.process_refund(message_id_for(f"refund:{paid}:1"), payment_number=paid, amount=4000)
    status = await ws.get_payment_status(message_id_for(f"status:{paid}:r1"), paid)
    assert (status.outcome, status.refunded_amount, status.state) == (Outcome.PAID, 4000, "7")
    with pytest.raises(WsFault) as over:
        await ws.process_refund(
            message_id_for(f"refund:{paid}:2"), payment_number=paid, amount=5901
        )
    assert (over.value.primary, over.value.secondary) == ("3", "6")
    await ws.process_refund(message_id_for(f"refund:{paid}:3"), payment_number=paid, amount=5900)
    status = await ws.get_payment_status(message_id_for(f"status:{paid}:r2"), paid)
    assert (status.state, status.refunded_amount, status.outcome) == ("11", 9900, Outcome.PAID)
    with pytest.raises(WsFault) as nothing_left:
        await ws.process_refund(message_id_for(f"refund:{paid}:4"), payment_number=paid, amount=1)
    assert nothing_left.value.primary == "3"
    assert refunded_in_sandbox(gateway, paid) == (9900, "refunded")


async def test_refund_refusals_use_the_gateways_codes(gateway: httpx.Client) -> None:
    paid = paid_master(gateway, recurring=False)
    declined = paid_master(gateway, recurring=False, outcome="declined")
    ws = client(gateway)
    message_id = message_id_for(f"refund:{paid}:once")
    await ws.process_refund(message_id, payment_number=paid, amount=100)
    cases = [
        (message_id, paid, 100, ("80", "0")),  # the same refund sent again: refused, not made
        (message_id_for("refund:unknown"), "999999999999", 100, ("15", "0")),
        (message_id_for(f"refund:{declined}"), declined, 100, ("3", "1")),
    ]
    for mid, number, amount, codes in cases:
        with pytest.raises(WsFault) as raised:
            await ws.process_refund(mid, payment_number=number, amount=amount)
        assert (raised.value.primary, raised.value.secondary) == codes
    assert refunded_in_sandbox(gateway, paid) == (100, "paid")
    with pytest.raises(ValueError, match="positive integer"):
        await ws.process_refund(message_id_for("refund:zero"), payment_number=paid, amount=0)


async def test_a_refund_answered_late_is_made_once_and_the_status_tells(
    gateway: httpx.Client,
) -> None:
    paid = paid_master(gateway, recurring=False)
    gateway.post(
        "/sandbox/gpwebpay/ws-plan", json={"next": [{"kind": "timeout", "seconds": 2}]}
    ).raise_for_status()
    ws = client(gateway, timeout_seconds=0.5)
    with pytest.raises(ProviderUnavailable):
        await ws.process_refund(
            message_id_for(f"refund:{paid}:late"), payment_number=paid, amount=2500
        )
    status = await client(gateway).get_payment_status(message_id_for(f"s:{paid}:late"), paid)
    assert status.refunded_amount == 2500
