"""The fake WS API (SOAP 1.1, document/literal, namespace ``http://gpe.cz/pay/pay-ws/proc/v1``).

Operations: ``getPaymentStatus``, ``processRecurringPayment``,
``processRegularSubscriptionPayment``, ``processRefund``. Request signatures are checked against
the merchant's registered key (fault 31), ``messageId`` reuse gives fault 80, and every answer,
faults included, is signed with the gateway key. A planned step (``/sandbox/gpwebpay/ws-plan``)
can make the next charge or refund decline, fault, be made but answered late, or answered with a
bad signature.

Refunds (codes are our decision, see :mod:`pickey_core.gpwebpay.ws_client`): 15 unknown payment,
3/1 payment not paid (nothing to refund), 3/6 amount not positive or over what is left; several
refunds up to the original amount; the status then says ``refunded=<total>`` in ``subStatus``
and state ``11`` REFUNDED once nothing is left.
"""

from __future__ import annotations

import asyncio
import base64
import re
import secrets
import xml.etree.ElementTree as ET

from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Response

from pickey_sandbox.gpwebpay import crypto
from pickey_sandbox.gpwebpay.store import STATES, GatewayStore, Order

NS = "http://gpe.cz/pay/pay-ws/proc/v1"
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
MESSAGE_ID = re.compile(r"^[A-Za-z0-9+/=]{16,256}$")

OPERATIONS: dict[str, tuple[str, str, str, tuple[str, ...]]] = {
    # operation: request element, response wrapper, response element, signed request fields
    "getPaymentStatus": (
        "paymentStatusRequest",
        "getPaymentStatusResponse",
        "paymentStatusResponse",
        ("messageId", "provider", "merchantNumber", "paymentNumber"),
    ),
    "processRecurringPayment": (
        "recurringPaymentRequest",
        "processRecurringPaymentResponse",
        "recurringPaymentResponse",
        ("messageId", "provider", "merchantNumber", "paymentNumber", "masterPaymentNumber",
         "orderNumber", "referenceNumber", "amount", "currencyCode", "captureFlag"),
    ),
    "processRegularSubscriptionPayment": (
        "regularSubscriptionPaymentRequest",
        "processRegularSubscriptionPaymentResponse",
        "regularSubscriptionPaymentResponse",
        ("messageId", "provider", "merchantNumber", "paymentNumber", "masterPaymentNumber",
         "orderNumber", "subscriptionAmount", "captureFlag"),
    ),
    "processRefund": (
        "refundRequest",
        "processRefundResponse",
        "refundRequestResponse",
        ("messageId", "provider", "merchantNumber", "paymentNumber", "amount"),
    ),
}  # fmt: skip
CHARGE_RESPONSE = (
    "messageId", "authCode", "traceId", "authResponseCode", "authRRN", "paymentAccountReference",
)  # fmt: skip


class Fault(Exception):
    def __init__(self, primary: int, secondary: int = 0) -> None:
        super().__init__(f"{primary}/{secondary}")
        self.primary = primary
        self.secondary = secondary


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


async def handle_ws(body: bytes, store: GatewayStore, key: rsa.RSAPrivateKey) -> Response:
    if b"<!DOCTYPE" in body.upper() or b"<!ENTITY" in body.upper():
        return _client_fault("DTDs are not allowed")
    try:
        envelope = ET.fromstring(body)  # noqa: S314
    except ET.ParseError:
        return _client_fault("not XML")
    soap_body = next((el for el in envelope if _local(el.tag) == "Body"), None)
    operation = soap_body[0] if soap_body is not None and len(soap_body) else None
    if operation is None or _local(operation.tag) not in OPERATIONS:
        return _client_fault("unknown operation")
    name = _local(operation.tag)
    request_name, wrapper, response_name, signed = OPERATIONS[name]
    request = next((el for el in operation if _local(el.tag) == request_name), None)
    if request is None:
        return _client_fault(f"{request_name} missing")
    fields = {_local(el.tag): (el.text or "") for el in request}
    message_id = fields.get("messageId", "")
    bad_signature = False
    try:
        _check_request(fields, signed, store)
        if name == "getPaymentStatus":
            values = _status(fields, store)
        else:
            step = store.next_ws_step()
            if step is not None and step.kind in {"decline", "fault"}:
                raise Fault(step.primary, step.secondary)
            bad_signature = step is not None and step.kind == "bad_signature"
            if name == "processRefund":
                values = _refund(fields, store)
            else:
                values = _charge(name, fields, store)
            if step is not None and step.kind == "timeout":
                # The charge is made; only the answer is late (the case a client must survive).
                await asyncio.sleep(step.seconds)
    except Fault as fault:
        return _fault(key, message_id, fault)
    signature = crypto.sign_raw(key, list(values.values()))
    if bad_signature:
        signature = crypto.sign_raw(key, [*values.values(), "tampered"])
    children = "".join(f"<v1:{k}>{_escape(v)}</v1:{k}>" for k, v in values.items())
    children += f"<v1:signature>{base64.b64encode(signature).decode()}</v1:signature>"
    return _envelope(
        f"<v1:{wrapper}><v1:{response_name}>{children}</v1:{response_name}></v1:{wrapper}>"
    )


def _check_request(fields: dict[str, str], signed: tuple[str, ...], store: GatewayStore) -> None:
    message_id = fields.get("messageId", "")
    if not MESSAGE_ID.match(message_id):
        raise Fault(3, 0)
    for required in signed[:4]:
        if not fields.get(required):
            raise Fault(5, 0)
    public_key = store.merchants.get(fields["merchantNumber"])
    if public_key is None:
        raise Fault(11, 0)
    values = [fields[name] for name in signed if name in fields]
    if not crypto.verifies(public_key, values, fields.get("signature", "")):
        raise Fault(31, 0)
    if message_id in store.message_ids:
        raise Fault(80, 0)
    store.message_ids.add(message_id)


def _status(fields: dict[str, str], store: GatewayStore) -> dict[str, str]:
    order = store.orders.get((fields["merchantNumber"], fields["paymentNumber"]))
    if order is None:
        raise Fault(15, 0)  # object not found
    state, status = STATES[order.state]
    return {
        "messageId": fields["messageId"],
        "state": state,
        "status": status,
        "subStatus": " ".join(
            part
            for part in (
                f"{order.prcode}/{order.srcode}" if order.prcode else "",
                f"refunded={order.refunded}" if order.refunds else "",
            )
            if part
        ),
    }


def _charge(name: str, fields: dict[str, str], store: GatewayStore) -> dict[str, str]:
    merchant = fields["merchantNumber"]
    master = store.orders.get((merchant, fields.get("masterPaymentNumber", "")))
    if master is None or master.state not in {"paid", "authorised"}:
        raise Fault(33, 0)
    if not master.recurring_master:
        raise Fault(34, 0)
    number = fields["paymentNumber"]
    if (merchant, number) in store.orders:
        raise Fault(14, 0)
    amount = fields.get("amount") or fields.get("subscriptionAmount") or master.amount
    store.orders[(merchant, number)] = Order(
        merchant_number=merchant,
        order_number=number,
        amount=amount,
        currency=fields.get("currencyCode") or master.currency,
        deposit_flag=fields.get("captureFlag", "1"),
        url=master.url,
        fields={"kind": name},
        state="paid",
        prcode="0",
        srcode="0",
        master_order_number=master.order_number,
        returned=True,
    )
    return {
        "messageId": fields["messageId"],
        "authCode": f"{secrets.randbelow(10**6):06d}",
        "traceId": secrets.token_hex(8),
    }


def _refund(fields: dict[str, str], store: GatewayStore) -> dict[str, str]:
    order = store.orders.get((fields["merchantNumber"], fields["paymentNumber"]))
    if order is None:
        raise Fault(15, 0)
    if order.state not in {"paid", "authorised", "refunded"}:
        raise Fault(3, 1)
    amount = fields.get("amount", "")
    if not amount.isdigit() or int(amount) <= 0:
        raise Fault(3, 6)
    if int(amount) > int(order.amount) - order.refunded:
        raise Fault(3, 6)
    order.refunded += int(amount)
    order.refunds.append({"messageId": fields["messageId"], "amount": amount})
    if order.refunded == int(order.amount):
        order.state = "refunded"
    return {"messageId": fields["messageId"]}


def _fault(key: rsa.RSAPrivateKey, message_id: str, fault: Fault) -> Response:
    values = [message_id, str(fault.primary), str(fault.secondary)]
    signature = base64.b64encode(crypto.sign_raw(key, values)).decode()
    detail = (
        f"<v1:paymentServiceException><v1:messageId>{_escape(message_id)}</v1:messageId>"
        f"<v1:primaryReturnCode>{fault.primary}</v1:primaryReturnCode>"
        f"<v1:secondaryReturnCode>{fault.secondary}</v1:secondaryReturnCode>"
        f"<v1:signature>{signature}</v1:signature></v1:paymentServiceException>"
    )
    return _envelope(
        f"<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>"
        f"PaymentServiceException {fault.primary}/{fault.secondary}</faultstring>"
        f"<detail>{detail}</detail></soapenv:Fault>",
        status=500,
    )


def _client_fault(text: str) -> Response:
    return _envelope(
        f"<soapenv:Fault><faultcode>soapenv:Client</faultcode>"
        f"<faultstring>{_escape(text)}</faultstring></soapenv:Fault>",
        status=500,
    )


def _envelope(inner: str, status: int = 200) -> Response:
    xml = (
        f'<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="{SOAP}" '
        f'xmlns:v1="{NS}"><soapenv:Body>{inner}</soapenv:Body></soapenv:Envelope>'
    )
    return Response(xml, status_code=status, media_type="text/xml; charset=utf-8")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
