"""The GP webpay HTTP API (browser redirect): signed CREATE_ORDER requests and verified returns.

Requests: :func:`build_order_request` validates typed inputs against the gateway's field rules
(so a bad value fails here, loudly, instead of as PRCODE 1-6 in a fan's browser) and signs the
fields present, in the fixed DIGEST order. LANG is added after DIGEST and never signed.

Returns: :func:`verify_response` takes the parameters exactly as received (every value, blank
ones included) and rebuilds the signed text from the fixed response order, never arrival order.

USERPARAM1 in the response digest: PROVIDERS.md lists it between RESULTTEXT and ADDINFO and calls
that order the majority reading (some clients leave it out). We follow it: when the gateway sends
USERPARAM1 back, it is signed in that slot; when it is absent it has no slot. A response whose
digest only verifies without it is refused, never retried with another order (that would let a
forger choose which fields are covered).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, urlencode

from cryptography.hazmat.primitives.asymmetric import rsa

from pickey_core.gpwebpay.codes import Outcome, outcome_of
from pickey_core.gpwebpay.signing import digest_text, sign, verify
from pickey_core.gpwebpay.transliteration import is_printable_ascii, to_printable_ascii

CREATE_ORDER = "CREATE_ORDER"
CURRENCY_CODES: dict[str, str] = {"CZK": "203", "EUR": "978"}

REQUEST_FIELDS: tuple[str, ...] = (
    "MERCHANTNUMBER",
    "OPERATION",
    "ORDERNUMBER",
    "AMOUNT",
    "CURRENCY",
    "DEPOSITFLAG",
    "MERORDERNUM",
    "URL",
    "DESCRIPTION",
    "MD",
    "USERPARAM1",
    "VRCODE",
    "FASTPAYID",
    "PAYMETHOD",
    "DISABLEPAYMETHOD",
    "PAYMETHODS",
    "EMAIL",
    "REFERENCENUMBER",
    "ADDINFO",
    "PANPATTERN",
    "TOKEN",
    "FASTTOKEN",
)
RESPONSE_FIELDS: tuple[str, ...] = (
    "OPERATION",
    "ORDERNUMBER",
    "MERORDERNUM",
    "MD",
    "PRCODE",
    "SRCODE",
    "RESULTTEXT",
    "USERPARAM1",
    "ADDINFO",
    "TOKEN",
    "EXPIRY",
    "ACSRES",
    "ACCODE",
    "PANPATTERN",
    "DAYTOCAPTURE",
    "TOKENREGSTATUS",
    "ACRC",
    "RRN",
    "PAR",
    "TRACEID",
)
SIGNATURE_FIELDS = ("DIGEST", "DIGEST1")
REQUIRED_RESPONSE_FIELDS = ("OPERATION", "ORDERNUMBER", "PRCODE", "SRCODE")

MERCHANT_NUMBER = re.compile(r"^[0-9]{1,10}$")
ORDER_NUMBER = re.compile(r"^[1-9][0-9]{0,14}$")
MERORDERNUM = re.compile(r"^[0-9]{1,30}$")
_DIGITS = re.compile(r"^[0-9]+$")
MAX_URL = 300
MAX_TEXT = 255
LANGUAGES = frozenset({"cs", "en", "de", "sk"})


class GpWebpayError(Exception):
    """Base of every GP webpay protocol error."""


class InvalidOrderField(GpWebpayError, ValueError):
    """An order request value the gateway would refuse (``field`` names it)."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field = field
        self.reason = reason


class ResponseRejected(GpWebpayError):
    """A gateway return we do not trust or cannot read; never act on it."""


class MissingDigest(ResponseRejected):
    """DIGEST or DIGEST1 is absent or blank."""


class BadSignature(ResponseRejected):
    """DIGEST or DIGEST1 does not verify with the gateway's public key."""


class UnknownResponseField(ResponseRejected):
    """A parameter that is not part of the response (it would be unsigned)."""


class MalformedResponse(ResponseRejected):
    """A required field is missing, repeated or not in its format."""


@dataclass(frozen=True)
class OrderRequest:
    """A CREATE_ORDER as typed inputs; :func:`build_order_request` validates and signs it.

    ``currency`` is our code (``CZK``/``EUR``); ``description`` is free text (transliterated);
    ``recurring_master`` sends USERPARAM1=R so later renewals can charge against this order.
    """

    merchant_number: str
    order_number: int | str
    amount: int
    currency: str
    url: str
    deposit: bool = True
    merordernum: str | None = None
    description: str | None = None
    md: str | None = None
    recurring_master: bool = False
    email: str | None = None
    lang: str | None = None


@dataclass(frozen=True)
class SignedOrderRequest:
    """The fields to send, in order: the signed ones, DIGEST, then LANG (unsigned) if any."""

    fields: tuple[tuple[str, str], ...]

    def redirect_url(self, order_url: str) -> str:
        """The GET redirect; every value percent-encoded, so a ``+`` in DIGEST stays a ``+``."""
        return f"{order_url}?{urlencode(self.fields, quote_via=quote, safe='')}"

    def form_fields(self) -> dict[str, str]:
        """The fields of an auto-submitted POST form (values HTML-escaped by the template)."""
        return dict(self.fields)

    @property
    def digest(self) -> str:
        return dict(self.fields)["DIGEST"]


def build_order_request(request: OrderRequest, key: rsa.RSAPrivateKey) -> SignedOrderRequest:
    """Validate ``request`` like the gateway would, then sign it with the merchant key."""
    values = _request_values(request)
    signed = [(name, values[name]) for name in REQUEST_FIELDS if name in values]
    digest = sign(key, digest_text([value for _, value in signed]))
    fields = [*signed, ("DIGEST", digest)]
    if request.lang is not None:
        if request.lang not in LANGUAGES:
            raise InvalidOrderField("LANG", f"one of {sorted(LANGUAGES)}")
        fields.append(("LANG", request.lang))
    return SignedOrderRequest(tuple(fields))


def _request_values(request: OrderRequest) -> dict[str, str]:
    if not isinstance(request.merchant_number, str) or not MERCHANT_NUMBER.match(
        request.merchant_number
    ):
        raise InvalidOrderField("MERCHANTNUMBER", "a string of 1-10 digits")
    order_number = str(request.order_number)
    if isinstance(request.order_number, bool) or not ORDER_NUMBER.match(order_number):
        raise InvalidOrderField("ORDERNUMBER", "1-15 digits without a leading zero")
    if type(request.amount) is not int or request.amount < 0:
        raise InvalidOrderField("AMOUNT", "a non-negative integer in minor units")
    if request.currency not in CURRENCY_CODES:
        raise InvalidOrderField("CURRENCY", f"one of {sorted(CURRENCY_CODES)}")
    if not request.url or len(request.url) > MAX_URL or not is_printable_ascii(request.url):
        raise InvalidOrderField("URL", f"printable ASCII, 1-{MAX_URL} characters")
    values = {
        "MERCHANTNUMBER": request.merchant_number,
        "OPERATION": CREATE_ORDER,
        "ORDERNUMBER": order_number,
        "AMOUNT": str(request.amount),
        "CURRENCY": CURRENCY_CODES[request.currency],
        "DEPOSITFLAG": "1" if request.deposit else "0",
        "URL": request.url,
    }
    if request.merordernum is not None:
        if not MERORDERNUM.match(request.merordernum):
            raise InvalidOrderField("MERORDERNUM", "1-30 digits")
        values["MERORDERNUM"] = request.merordernum
    if request.description is not None:
        description = to_printable_ascii(request.description)[:MAX_TEXT].rstrip()
        if description:
            values["DESCRIPTION"] = description
    if request.md:  # a blank MD is not sent: the gateway refuses blank fields (PRCODE 4)
        if not is_printable_ascii(request.md) or len(request.md) > MAX_TEXT:
            raise InvalidOrderField("MD", f"printable ASCII, up to {MAX_TEXT} characters")
        if request.md != request.md.strip():
            raise InvalidOrderField("MD", "no leading or trailing spaces")
        values["MD"] = request.md
    if request.recurring_master:
        values["USERPARAM1"] = "R"
    if request.email is not None:
        if len(request.email) > MAX_TEXT or "@" not in request.email:
            raise InvalidOrderField("EMAIL", f"an address of up to {MAX_TEXT} characters")
        if not is_printable_ascii(request.email):
            raise InvalidOrderField("EMAIL", "printable ASCII")
        values["EMAIL"] = request.email
    return values


@dataclass(frozen=True)
class GatewayResponse:
    """A verified return. Codes stay strings as received; :attr:`outcome` interprets them."""

    operation: str
    order_number: str
    prcode: str
    srcode: str
    merordernum: str | None
    md: str | None
    result_text: str | None
    userparam1: str | None
    extra: Mapping[str, str]

    @property
    def outcome(self) -> Outcome:
        return outcome_of(self.prcode, self.srcode)

    @property
    def token(self) -> str | None:
        return self.extra.get("TOKEN")

    @property
    def expiry(self) -> str | None:
        return self.extra.get("EXPIRY")


def parse_raw_query(query: str | bytes) -> list[tuple[str, str]]:
    """Parameters of a query string or form body, blank values kept, in arrival order."""
    text = query.decode("utf-8") if isinstance(query, bytes) else query
    return parse_qsl(text, keep_blank_values=True)


def verify_response(
    params: Mapping[str, str] | Iterable[tuple[str, str]],
    *,
    merchant_number: str,
    gateway_key: rsa.RSAPublicKey,
) -> GatewayResponse:
    """Check a gateway return and read it, or raise a :class:`ResponseRejected`.

    ``params`` are the received parameters (query or form) with blank values kept: Starlette's
    ``request.query_params.multi_items()`` or :func:`parse_raw_query`. A parameter sent twice is
    refused (which value was signed would be a guess).
    """
    received = _unique(params.items() if isinstance(params, Mapping) else params)
    unknown = sorted(set(received) - set(RESPONSE_FIELDS) - set(SIGNATURE_FIELDS))
    if unknown:
        raise UnknownResponseField(f"unexpected parameters: {', '.join(unknown)}")
    digests = [_digest_value(received, name) for name in SIGNATURE_FIELDS]
    text = digest_text([received[name] for name in RESPONSE_FIELDS if name in received])
    if not verify(gateway_key, text, digests[0]):
        raise BadSignature("DIGEST does not verify with the gateway key")
    if not verify(gateway_key, digest_text([text, merchant_number]), digests[1]):
        raise BadSignature("DIGEST1 does not verify with the gateway key and our merchant number")
    for name in REQUIRED_RESPONSE_FIELDS:
        if name not in received:
            raise MalformedResponse(f"{name} is missing")
    for name in ("PRCODE", "SRCODE"):
        if not _DIGITS.match(received[name]):
            raise MalformedResponse(f"{name} is not a number")
    if received["OPERATION"] != CREATE_ORDER:
        raise MalformedResponse("OPERATION is not CREATE_ORDER")
    known = {"OPERATION", "ORDERNUMBER", "PRCODE", "SRCODE", "MERORDERNUM", "MD", "RESULTTEXT"}
    return GatewayResponse(
        operation=received["OPERATION"],
        order_number=received["ORDERNUMBER"],
        prcode=received["PRCODE"],
        srcode=received["SRCODE"],
        merordernum=received.get("MERORDERNUM"),
        md=received.get("MD"),
        result_text=received.get("RESULTTEXT"),
        userparam1=received.get("USERPARAM1"),
        extra={
            k: v for k, v in received.items() if k not in known | {"USERPARAM1", *SIGNATURE_FIELDS}
        },
    )


def _unique(pairs: Iterable[tuple[str, str]]) -> dict[str, str]:
    received: dict[str, str] = {}
    for name, value in pairs:
        if name in received:
            raise MalformedResponse(f"{name} is sent more than once")
        received[name] = value
    return received


def _digest_value(received: Mapping[str, str], name: str) -> str:
    """A signature as received; spaces are put back to ``+`` (base64 has no spaces: a space can
    only be a ``+`` that someone URL-decoded as form data on the way)."""
    value = received.get(name, "")
    if not value.strip():
        raise MissingDigest(f"{name} is missing")
    return value.replace(" ", "+")


def sign_response(
    fields: Iterable[tuple[str, str]], *, merchant_number: str, key: rsa.RSAPrivateKey
) -> list[tuple[str, str]]:
    """Sign response fields the way the gateway does (tests and tools); returns them with
    DIGEST and DIGEST1 appended. Fields are signed in the fixed order, whatever order given."""
    values = dict(fields)
    text = digest_text([values[name] for name in RESPONSE_FIELDS if name in values])
    return [
        *values.items(),
        ("DIGEST", sign(key, text)),
        ("DIGEST1", sign(key, digest_text([text, merchant_number]))),
    ]
