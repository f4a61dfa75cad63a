"""The GP webpay WS API (SOAP 1.1, document/literal) over httpx: payment status, recurring
charges and refunds, with signed requests and verified responses.

Envelope: every element in namespace ``http://gpe.cz/pay/pay-ws/proc/v1``; the operation element
wraps one request element (``getPaymentStatus/paymentStatusRequest``,
``processRecurringPayment/recurringPaymentRequest``,
``processRegularSubscriptionPayment/regularSubscriptionPaymentRequest``,
``processRefund/refundRequest``) whose children are the
fields in signing order, then ``signature`` (raw signature bytes, base64Binary). Responses are read
by local element names, so a gateway that puts children in a sub-namespace still parses.

Signed orders (from the gateway's documentation): status
``messageId|provider|merchantNumber|paymentNumber``; recurring
``...|paymentNumber|masterPaymentNumber|orderNumber|referenceNumber|amount|
currencyCode|captureFlag``; regular subscription (our decision for "the same key fields plus
subscriptionAmount", in the published schema's element order)
``...|paymentNumber|masterPaymentNumber|orderNumber|subscriptionAmount|captureFlag``; refund
``messageId|provider|merchantNumber|paymentNumber|amount`` answered by ``refundRequestResponse``
signed ``messageId``. Refund codes and how the status reports refunds are not documented; our
decisions, which the sandbox implements: a refund the gateway refuses is a signed fault (15 no such
payment, 3/6 amount over what is left or not positive, 3/1 payment not refundable, 80 messageId
reused); ``getPaymentStatus`` of a refunded payment keeps a paid ``state`` (``11`` REFUNDED when
nothing is left) and says ``refunded=<minor units>`` in ``subStatus``, which is how a refund whose
answer was lost is resolved without sending it again. Optional fields are sent and signed only when
given. Faults carry ``primaryReturnCode`` and ``secondaryReturnCode`` signed as
``messageId|primary|secondary``.

``messageId`` must be unique per request for ever (reuse gives fault 80); :func:`message_id_for`
derives one from a business key (e.g. membership + period) so a retry after a crash sends the
same id and the gateway refuses a second charge instead of making it.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

import httpx
from cryptography.hazmat.primitives.asymmetric import rsa

from pickey_core.gpwebpay.codes import Outcome, outcome_of
from pickey_core.gpwebpay.http_api import GpWebpayError
from pickey_core.gpwebpay.signing import digest_text, sign_bytes, verify_bytes
from pickey_core.providers.errors import ProviderUnavailable

PROVIDER = "gpwebpay"
NS = "http://gpe.cz/pay/pay-ws/proc/v1"
SOAP_NS = "http://schemas.xmlsoap.org/soap/envelope/"
MESSAGE_ID = re.compile(r"^[A-Za-z0-9+/=]{16,256}$")

STATUS_FIELDS = ("messageId", "provider", "merchantNumber", "paymentNumber")
RECURRING_FIELDS = (
    "messageId", "provider", "merchantNumber", "paymentNumber", "masterPaymentNumber",
    "orderNumber", "referenceNumber", "amount", "currencyCode", "captureFlag",
)  # fmt: skip
REGULAR_FIELDS = (
    "messageId", "provider", "merchantNumber", "paymentNumber", "masterPaymentNumber",
    "orderNumber", "subscriptionAmount", "captureFlag",
)  # fmt: skip
REFUND_FIELDS = ("messageId", "provider", "merchantNumber", "paymentNumber", "amount")
REFUND_RESPONSE_FIELDS = ("messageId",)
STATUS_RESPONSE_FIELDS = ("messageId", "state", "status", "subStatus")
CHARGE_RESPONSE_FIELDS = (
    "messageId", "authCode", "traceId", "authResponseCode", "authRRN", "paymentAccountReference",
)  # fmt: skip
FAULT_FIELDS = ("messageId", "primaryReturnCode", "secondaryReturnCode")

# getPaymentStatus ``state``: approved/deposited/settled are paid; requested/pending are not yet
# final (reconcile later); the rest did not take money.
PAID_STATES = frozenset({"4", "7", "8", "9", "11"})
_REFUNDED = re.compile(r"(?:^|\s)refunded=([0-9]{1,15})(?:\s|$)")
PENDING_STATES = frozenset({"1", "2", "3"})
CANCELLED_STATES = frozenset({"20"})


class WsError(GpWebpayError):
    """A WS answer we cannot trust or read."""


class WsBadSignature(WsError):
    """A response or fault whose signature does not verify with the gateway key."""


class WsMalformed(WsError):
    """Not the SOAP we expect (not XML, a DTD, a missing element)."""


class WsFault(GpWebpayError):
    """A signed SOAP fault: the gateway refused or declined the request."""

    def __init__(self, message_id: str, primary: str, secondary: str) -> None:
        super().__init__(f"GP webpay fault {primary}/{secondary}")
        self.message_id = message_id
        self.primary = primary
        self.secondary = secondary

    @property
    def outcome(self) -> Outcome:
        """What the codes mean for the charge (80, a reused messageId, is ``our_bug``)."""
        if self.primary == "80":
            return Outcome.OUR_BUG
        return outcome_of(self.primary, self.secondary)


@dataclass(frozen=True)
class PaymentStatus:
    message_id: str
    state: str
    status: str
    sub_status: str

    @property
    def refunded_amount(self) -> int:
        """Minor units refunded so far (0 when the status says nothing of refunds)."""
        match = _REFUNDED.search(self.sub_status)
        return int(match.group(1)) if match else 0

    @property
    def outcome(self) -> Outcome:
        if self.state in PAID_STATES:
            return Outcome.PAID
        if self.state in PENDING_STATES:
            return Outcome.UNKNOWN
        if self.state in CANCELLED_STATES:
            return Outcome.CANCELLED
        return Outcome.FAILED


@dataclass(frozen=True)
class ChargeResult:
    """A recurring/regular charge the gateway accepted (an approved authorisation)."""

    message_id: str
    auth_code: str | None
    trace_id: str | None
    fields: dict[str, str]


@dataclass(frozen=True)
class RefundResult:
    """A refund the gateway accepted."""

    message_id: str


def message_id_for(business_key: str) -> str:
    """A valid, deterministic messageId (64 hex characters) for a business key."""
    return hashlib.sha256(business_key.encode("utf-8")).hexdigest()


@dataclass
class GpWebpayWsClient:
    """Calls the WS API; pass a shared ``http`` client in services, or let it make one per call."""

    url: str
    provider: str
    merchant_number: str
    merchant_key: rsa.RSAPrivateKey
    gateway_key: rsa.RSAPublicKey
    timeout_seconds: float = 20.0
    http: httpx.AsyncClient | None = None

    async def get_payment_status(self, message_id: str, payment_number: str) -> PaymentStatus:
        fields = self._fields(message_id, {"paymentNumber": payment_number})
        values = await self._call(
            "getPaymentStatus", "paymentStatusRequest", STATUS_FIELDS, fields,
            "paymentStatusResponse", STATUS_RESPONSE_FIELDS,
        )  # fmt: skip
        return PaymentStatus(
            message_id=values.get("messageId", ""),
            state=values.get("state", ""),
            status=values.get("status", ""),
            sub_status=values.get("subStatus", ""),
        )

    async def process_recurring_payment(
        self,
        message_id: str,
        *,
        payment_number: str,
        master_payment_number: str,
        order_number: str | None = None,
        reference_number: str | None = None,
        amount: int | None = None,
        currency_code: str | None = None,
        capture: bool | None = None,
    ) -> ChargeResult:
        fields = self._fields(
            message_id,
            {
                "paymentNumber": payment_number,
                "masterPaymentNumber": master_payment_number,
                "orderNumber": order_number,
                "referenceNumber": reference_number,
                "amount": None if amount is None else str(amount),
                "currencyCode": currency_code,
                "captureFlag": None if capture is None else ("1" if capture else "0"),
            },
        )
        values = await self._call(
            "processRecurringPayment", "recurringPaymentRequest", RECURRING_FIELDS, fields,
            "recurringPaymentResponse", CHARGE_RESPONSE_FIELDS,
        )  # fmt: skip
        return _charge_result(values)

    async def process_regular_subscription_payment(
        self,
        message_id: str,
        *,
        payment_number: str,
        master_payment_number: str,
        order_number: str | None = None,
        subscription_amount: int | None = None,
        capture: bool | None = None,
    ) -> ChargeResult:
        fields = self._fields(
            message_id,
            {
                "paymentNumber": payment_number,
                "masterPaymentNumber": master_payment_number,
                "orderNumber": order_number,
                "subscriptionAmount": None
                if subscription_amount is None
                else str(subscription_amount),
                "captureFlag": None if capture is None else ("1" if capture else "0"),
            },
        )
        values = await self._call(
            "processRegularSubscriptionPayment", "regularSubscriptionPaymentRequest",
            REGULAR_FIELDS, fields, "regularSubscriptionPaymentResponse", CHARGE_RESPONSE_FIELDS,
        )  # fmt: skip
        return _charge_result(values)

    async def process_refund(
        self, message_id: str, *, payment_number: str, amount: int
    ) -> RefundResult:
        """Refund ``amount`` minor units of a paid payment (partial or full; several refunds may
        follow up to the original amount). A :class:`WsFault` is a refusal; a
        :class:`~pickey_core.providers.errors.ProviderUnavailable` leaves it unknown."""
        if type(amount) is not int or amount <= 0:
            raise ValueError("a refund amount is a positive integer in minor units")
        fields = self._fields(message_id, {"paymentNumber": payment_number, "amount": str(amount)})
        values = await self._call(
            "processRefund", "refundRequest", REFUND_FIELDS, fields,
            "refundRequestResponse", REFUND_RESPONSE_FIELDS,
        )  # fmt: skip
        return RefundResult(message_id=values["messageId"])

    def _fields(self, message_id: str, extra: dict[str, str | None]) -> dict[str, str]:
        if not MESSAGE_ID.match(message_id):
            raise ValueError("messageId must be 16-256 characters of [A-Za-z0-9+/=]")
        fields = {
            "messageId": message_id,
            "provider": self.provider,
            "merchantNumber": self.merchant_number,
        }
        fields.update({name: value for name, value in extra.items() if value is not None})
        return fields

    def envelope(
        self, operation: str, request: str, order: Sequence[str], fields: dict[str, str]
    ) -> bytes:
        """The signed SOAP request (public so tests can look at exactly what is sent)."""
        present = [name for name in order if name in fields]
        signature = sign_bytes(self.merchant_key, digest_text([fields[n] for n in present]))
        children = "".join(f"<v1:{n}>{escape(fields[n])}</v1:{n}>" for n in present)
        children += f"<v1:signature>{base64.b64encode(signature).decode()}</v1:signature>"
        return (
            f'<?xml version="1.0" encoding="UTF-8"?>'
            f'<soapenv:Envelope xmlns:soapenv="{SOAP_NS}" xmlns:v1="{NS}"><soapenv:Header/>'
            f"<soapenv:Body><v1:{operation}><v1:{request}>{children}</v1:{request}>"
            f"</v1:{operation}></soapenv:Body></soapenv:Envelope>"
        ).encode()

    async def _call(
        self,
        operation: str,
        request: str,
        order: Sequence[str],
        fields: dict[str, str],
        response_element: str,
        response_order: Sequence[str],
    ) -> dict[str, str]:
        body = self.envelope(operation, request, order, fields)
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{operation}"'}
        try:
            if self.http is not None:
                reply = await self.http.post(
                    self.url, content=body, headers=headers, timeout=self.timeout_seconds
                )
            else:
                async with httpx.AsyncClient(timeout=self.timeout_seconds) as http:
                    reply = await http.post(self.url, content=body, headers=headers)
        except httpx.TimeoutException as error:
            raise ProviderUnavailable(PROVIDER, f"{operation} timed out") from error
        except httpx.HTTPError as error:
            raise ProviderUnavailable(PROVIDER, f"{operation}: {type(error).__name__}") from error
        root = _parse(reply)
        fault = _find(root, "paymentServiceException")
        if fault is not None:
            values = _children(fault)
            self._check_signature(values, FAULT_FIELDS)
            raise WsFault(
                values.get("messageId", ""),
                values.get("primaryReturnCode", ""),
                values.get("secondaryReturnCode", ""),
            )
        if _find(root, "Fault") is not None or reply.status_code >= 500:
            raise ProviderUnavailable(
                PROVIDER, f"{operation}: unsigned fault", status_code=reply.status_code
            )
        element = _find(root, response_element)
        if element is None:
            raise WsMalformed(f"{operation}: no {response_element} in the answer")
        values = _children(element)
        self._check_signature(values, response_order)
        if values.get("messageId") != fields["messageId"]:
            raise WsMalformed(f"{operation}: the answer is for another messageId")
        return values

    def _check_signature(self, values: dict[str, str], order: Sequence[str]) -> None:
        try:
            signature = base64.b64decode(values.get("signature", ""), validate=True)
        except (binascii.Error, ValueError) as error:
            raise WsBadSignature("signature is not base64") from error
        text = digest_text([values[name] for name in order if name in values])
        if not signature or not verify_bytes(self.gateway_key, text, signature):
            raise WsBadSignature("the answer's signature does not verify with the gateway key")


def _charge_result(values: dict[str, str]) -> ChargeResult:
    return ChargeResult(
        message_id=values["messageId"],
        auth_code=values.get("authCode"),
        trace_id=values.get("traceId"),
        fields={k: v for k, v in values.items() if k != "signature"},
    )


def _parse(reply: httpx.Response) -> ET.Element:
    content = reply.content
    if b"<!DOCTYPE" in content.upper() or b"<!ENTITY" in content.upper():
        raise WsMalformed("the answer declares a DTD (refused: entity expansion)")
    try:
        return ET.fromstring(content)  # noqa: S314
    except ET.ParseError as error:
        if reply.status_code >= 500:
            raise ProviderUnavailable(
                PROVIDER, "not a SOAP answer", status_code=reply.status_code
            ) from error
        raise WsMalformed(f"not XML (HTTP {reply.status_code})") from error


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(root: ET.Element, name: str) -> ET.Element | None:
    return next((el for el in root.iter() if _local(el.tag) == name), None)


def _children(element: ET.Element) -> dict[str, str]:
    return {_local(child.tag): (child.text or "").strip() for child in element}
