"""How the WS client reads answers the sandbox never gives: DTDs, unsigned faults, HTML errors.

The gateway's side is an ``httpx.MockTransport`` returning fixed bytes (a stand-in for the third
party, not for our code); everything of ours runs for real.
"""

from __future__ import annotations

import httpx
import pytest

from pickey_core.gpwebpay.signing import digest_text, sign_bytes
from pickey_core.gpwebpay.ws_client import (
    GpWebpayWsClient,
    WsBadSignature,
    WsFault,
    WsMalformed,
    message_id_for,
)
from pickey_core.providers.errors import ProviderUnavailable
from tests.support.gpwebpay_keys import key_pair

MESSAGE_ID = message_id_for("test")
NS = (
    'xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" xmlns:v="http://gpe.cz/pay/pay-ws/proc/v1"'
)


def client(status: int, body: str) -> GpWebpayWsClient:
    transport = httpx.MockTransport(lambda request: httpx.Response(status, text=body))
    return GpWebpayWsClient(
        url="https://gateway.test/pay-ws/v1/PaymentService",
        provider="0100",
        merchant_number="0012345678",
        merchant_key=key_pair("merchant"),
        gateway_key=key_pair("gateway").public_key(),
        http=httpx.AsyncClient(transport=transport),
    )


def fault(primary: str, secondary: str, key_name: str = "gateway") -> str:
    import base64

    signature = sign_bytes(key_pair(key_name), digest_text([MESSAGE_ID, primary, secondary]))
    return (
        f"<s:Envelope {NS}><s:Body><s:Fault><faultcode>s:Server</faultcode><detail>"
        f"<v:paymentServiceException><v:messageId>{MESSAGE_ID}</v:messageId>"
        f"<v:primaryReturnCode>{primary}</v:primaryReturnCode>"
        f"<v:secondaryReturnCode>{secondary}</v:secondaryReturnCode>"
        f"<v:signature>{base64.b64encode(signature).decode()}</v:signature>"
        f"</v:paymentServiceException></detail></s:Fault></s:Body></s:Envelope>"
    )


async def test_signed_fault_becomes_ws_fault() -> None:
    with pytest.raises(WsFault) as raised:
        await client(500, fault("85", "300")).get_payment_status(MESSAGE_ID, "1")
    assert raised.value.outcome == "sca_required"


async def test_fault_signed_by_someone_else_is_refused() -> None:
    with pytest.raises(WsBadSignature):
        await client(500, fault("0", "0", "other")).get_payment_status(MESSAGE_ID, "1")


async def test_dtd_is_refused_before_parsing() -> None:
    body = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><x>&a;</x>'
    with pytest.raises(WsMalformed):
        await client(200, body).get_payment_status(MESSAGE_ID, "1")


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (503, "<html>Service Unavailable</html"),
        (500, f"<s:Envelope {NS}><s:Body><s:Fault><faultcode>s:Server</faultcode>"
              "</s:Fault></s:Body></s:Envelope>"),
    ],
)  # fmt: skip
async def test_gateway_errors_without_a_signed_fault_are_unavailable(
    status: int, body: str
) -> None:
    with pytest.raises(ProviderUnavailable):
        await client(status, body).get_payment_status(MESSAGE_ID, "1")


async def test_answer_without_the_response_element_is_malformed() -> None:
    body = f"<s:Envelope {NS}><s:Body><v:other/></s:Body></s:Envelope>"
    with pytest.raises(WsMalformed):
        await client(200, body).get_payment_status(MESSAGE_ID, "1")


def test_request_envelope_is_signed_in_order_and_escaped() -> None:
    ws = client(200, "")
    body = ws.envelope(
        "getPaymentStatus",
        "paymentStatusRequest",
        ("messageId", "provider", "merchantNumber", "paymentNumber"),
        {
            "messageId": MESSAGE_ID,
            "provider": "0100",
            "merchantNumber": "00&1",
            "paymentNumber": "7",
        },
    ).decode()
    assert "<v1:merchantNumber>00&amp;1</v1:merchantNumber>" in body
    assert body.index("<v1:messageId>") < body.index("<v1:signature>")
