"""The GP webpay HTTP API (browser redirect): signed CREATE_ORDER requests and verified returns.

Requests: :func:`build_order_request` validates typed inputs against the gateway's field rules
(so a bad value fails here, loudly, instead of as PRCODE 1-6 in a fan's browser) and signs the
fields present, in the fixed DIGEST order. LANG is added after DIGEST and never signed.

Returns: :func:`verify_response` takes the parameters exactly as received (every value, blank
ones included; :func:`parse_raw_return` keeps the raw bytes) and rebuilds the signed text from
the fixed response order, never arrival order. Decisions where the open-source GP webpay clients
read the gateway's documentation differently:

- Field lists: the digest is accepted when it verifies over any of the documented readings
  (:data:`DIGEST_VARIANTS`: USERPARAM1 in its slot or left out; blank fields as empty slots or
  skipped). Every candidate is a full RSA verification of DIGEST *and* DIGEST1 with the
  gateway's key, so only the gateway can produce an accepted return; what a reading leaves out
  is not trusted (USERPARAM1 not covered by the verified reading reads as None). The reading
  that verified is returned (:attr:`GatewayResponse.digest_variant`) and counted by the caller,
  so production tells us which one the real gateway uses.
- Unknown parameters (the gateway adds fields over time) are not signed by any reading we know;
  they are ignored and returned by name (:attr:`GatewayResponse.ignored`) for the caller to log.
- Control characters (C0, DEL, C1) and NUL in any parameter name or value are refused
  (:class:`ForbiddenCharacters`) before anything else is read: no gateway field holds them, and
  a NUL cannot even be stored in PostgreSQL text. The one exception is XML whitespace (TAB, CR,
  LF) inside ADDINFO, which is an XML document.
- Encoding: values are verified over the received bytes. For reading they are decoded as UTF-8,
  or as windows-1250 when they are not UTF-8 (RESULTTEXT, per pixidos's docs); bytes that are
  neither are refused as malformed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlencode

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


class ForbiddenCharacters(ResponseRejected):
    """A control character or NUL in a parameter name or value."""


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
    digest_variant: str = "with_userparam1_blank_slots"
    ignored: tuple[str, ...] = ()

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


def parse_raw_return(query: str | bytes) -> list[tuple[str, bytes]]:
    """Parameters of a query string or form body with each value's raw bytes (percent-decoding
    only; nothing is decoded as text, so a windows-1250 RESULTTEXT verifies as signed)."""
    raw = query.encode("latin-1") if isinstance(query, str) else query
    pairs: list[tuple[str, bytes]] = []
    for part in raw.split(b"&"):
        if not part:
            continue
        name, _, value = part.partition(b"=")
        try:
            text_name = unquote_to_bytes(name.replace(b"+", b" ")).decode("ascii")
        except UnicodeDecodeError as error:
            raise MalformedResponse("a parameter name is not ASCII") from error
        pairs.append((text_name, unquote_to_bytes(value.replace(b"+", b" "))))
    return pairs


@dataclass(frozen=True)
class DigestVariant:
    """One documented reading of which received fields the response digest covers."""

    name: str
    userparam1: bool
    blank_slots: bool

    def fields(self, received: Mapping[str, bytes]) -> list[bytes]:
        return [
            received[name]
            for name in RESPONSE_FIELDS
            if name in received
            and (self.userparam1 or name != "USERPARAM1")
            and (self.blank_slots or received[name] != b"")
        ]


# The reading most open-source clients use first, then the readings of the clients that disagree.
DIGEST_VARIANTS: tuple[DigestVariant, ...] = (
    DigestVariant("with_userparam1_blank_slots", userparam1=True, blank_slots=True),
    DigestVariant("without_userparam1_blank_slots", userparam1=False, blank_slots=True),
    DigestVariant("with_userparam1_blank_skipped", userparam1=True, blank_slots=False),
    DigestVariant("without_userparam1_blank_skipped", userparam1=False, blank_slots=False),
)
# Reported when every reading gives the same text (no USERPARAM1 and no blank field).
ANY_VARIANT = "any"

_XML_WHITESPACE = frozenset("\t\r\n")
LOG_VALUE_LIMIT = 64


def loggable(value: str | bytes | None, limit: int = LOG_VALUE_LIMIT) -> str | None:
    """A received value made safe for a log line: control characters escaped, at most ``limit``
    characters (a forger must not be able to flood or forge our logs through a return)."""
    if value is None:
        return None
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    escaped = text.encode("unicode_escape").decode("ascii")
    return escaped if len(escaped) <= limit else escaped[:limit] + "..."


def verify_response(
    params: Mapping[str, str | bytes] | Iterable[tuple[str, str | bytes]],
    *,
    merchant_number: str,
    gateway_key: rsa.RSAPublicKey,
) -> GatewayResponse:
    """Check a gateway return and read it, or raise a :class:`ResponseRejected`.

    ``params`` are the received parameters (query or form) with blank values kept, as raw bytes
    (:func:`parse_raw_return`) or text (taken as UTF-8). A signed parameter sent twice is refused
    (which value was signed would be a guess).
    """
    pairs = params.items() if isinstance(params, Mapping) else params
    raw = [
        (name, value.encode("utf-8") if isinstance(value, str) else value) for name, value in pairs
    ]
    received, ignored = _known_unique(raw)
    text_of = {name: _decode(name, value) for name, value in received.items()}
    digests = [_digest_value(text_of, name) for name in SIGNATURE_FIELDS]
    variant = _verified_variant(received, digests, merchant_number, gateway_key)
    for name in REQUIRED_RESPONSE_FIELDS:
        if name not in text_of:
            raise MalformedResponse(f"{name} is missing")
    for name in ("PRCODE", "SRCODE"):
        if not _DIGITS.match(text_of[name]):
            raise MalformedResponse(f"{name} is not a number")
    if text_of["OPERATION"] != CREATE_ORDER:
        raise MalformedResponse("OPERATION is not CREATE_ORDER")
    userparam1_signed = variant.name == ANY_VARIANT or variant.userparam1
    known = {"OPERATION", "ORDERNUMBER", "PRCODE", "SRCODE", "MERORDERNUM", "MD", "RESULTTEXT"}
    return GatewayResponse(
        operation=text_of["OPERATION"],
        order_number=text_of["ORDERNUMBER"],
        prcode=text_of["PRCODE"],
        srcode=text_of["SRCODE"],
        merordernum=text_of.get("MERORDERNUM"),
        md=text_of.get("MD"),
        result_text=text_of.get("RESULTTEXT"),
        userparam1=text_of.get("USERPARAM1") if userparam1_signed else None,
        extra={
            k: v for k, v in text_of.items() if k not in known | {"USERPARAM1", *SIGNATURE_FIELDS}
        },
        digest_variant=variant.name,
        ignored=tuple(ignored),
    )


def _known_unique(pairs: Iterable[tuple[str, bytes]]) -> tuple[dict[str, bytes], list[str]]:
    """The response and signature fields (each at most once) and the names of the others."""
    received: dict[str, bytes] = {}
    ignored: list[str] = []
    for name, value in pairs:
        _check_characters(name, name.encode("utf-8", "surrogatepass"))
        if name not in RESPONSE_FIELDS and name not in SIGNATURE_FIELDS:
            ignored.append(name)
            _decode(name, value)  # control characters are refused in every value
            continue
        if name in received:
            raise MalformedResponse(f"{name} is sent more than once")
        received[name] = value
    return received, ignored


def _decode(name: str, value: bytes) -> str:
    try:
        text = value.decode("utf-8")
    except UnicodeDecodeError:
        try:
            text = value.decode("cp1250")
        except UnicodeDecodeError as error:
            raise MalformedResponse(f"{name} is neither UTF-8 nor windows-1250") from error
    _check_characters(name, text)
    return text


def _check_characters(name: str, value: str | bytes) -> None:
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    allowed = _XML_WHITESPACE if name == "ADDINFO" else frozenset()
    for char in text:
        if char not in allowed and unicodedata.category(char) == "Cc":
            raise ForbiddenCharacters(f"{loggable(name)} holds a control character")


def _verified_variant(
    received: Mapping[str, bytes],
    digests: Sequence[str],
    merchant_number: str,
    key: rsa.RSAPublicKey,
) -> DigestVariant:
    """The first reading under which both digests verify, or :class:`BadSignature`."""
    texts = {variant.name: b"|".join(variant.fields(received)) for variant in DIGEST_VARIANTS}
    tried: set[bytes] = set()
    digest_ok = False
    for variant in DIGEST_VARIANTS:
        text = texts[variant.name]
        if text in tried:
            continue
        tried.add(text)
        if not verify(key, text, digests[0]):
            continue
        digest_ok = True
        if verify(key, text + b"|" + merchant_number.encode("ascii"), digests[1]):
            if len(set(texts.values())) == 1:
                return DigestVariant(ANY_VARIANT, userparam1=True, blank_slots=True)
            return variant
    if digest_ok:
        raise BadSignature("DIGEST1 does not verify with the gateway key and our merchant number")
    raise BadSignature("DIGEST does not verify with the gateway key")


def _digest_value(received: Mapping[str, str], name: str) -> str:
    """A signature as received; spaces are put back to ``+`` (base64 has no spaces: a space can
    only be a ``+`` that someone URL-decoded as form data on the way)."""
    value = received.get(name, "")
    if not value.strip():
        raise MissingDigest(f"{name} is missing")
    return value.replace(" ", "+")
