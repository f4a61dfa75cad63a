"""``order.do`` request rules, checked the way GP webpay does and reported as PRCODE/SRCODE.

PRCODE 1 field too long, 2 too short, 3 bad content, 4 blank, 5 required field missing; the
SRCODE names the field (1 ORDERNUMBER, 2 MERCHANTNUMBER, 3 OPERATION, 6 AMOUNT, 7 CURRENCY,
8 DEPOSITFLAG, 10 MERORDERNUM, 24 URL, 25 MD, 26 DESCRIPTION, 34 DIGEST). Then: 11 unknown
merchant, 31 digest does not verify, 14 ORDERNUMBER already used by this merchant.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

SIGNED_FIELDS = (
    "MERCHANTNUMBER", "OPERATION", "ORDERNUMBER", "AMOUNT", "CURRENCY", "DEPOSITFLAG",
    "MERORDERNUM", "URL", "DESCRIPTION", "MD", "USERPARAM1", "VRCODE", "FASTPAYID", "PAYMETHOD",
    "DISABLEPAYMETHOD", "PAYMETHODS", "EMAIL", "REFERENCENUMBER", "ADDINFO", "PANPATTERN",
    "TOKEN", "FASTTOKEN",
)  # fmt: skip
RESPONSE_FIELDS = (
    "OPERATION", "ORDERNUMBER", "MERORDERNUM", "MD", "PRCODE", "SRCODE", "RESULTTEXT",
    "USERPARAM1", "ADDINFO", "TOKEN", "EXPIRY", "ACSRES", "ACCODE", "PANPATTERN", "DAYTOCAPTURE",
    "TOKENREGSTATUS", "ACRC", "RRN", "PAR", "TRACEID",
)  # fmt: skip
CURRENCIES = frozenset({"203", "978"})
_PRINTABLE = re.compile(r"^[\x20-\x7e]*$")


@dataclass(frozen=True)
class Problem:
    prcode: int
    srcode: int
    text: str


@dataclass(frozen=True)
class Rule:
    name: str
    srcode: int
    required: bool
    max_length: int
    valid: Callable[[str], bool]


def _digits(max_length: int, *, leading_zero: bool = True) -> Callable[[str], bool]:
    pattern = re.compile(r"^[0-9]+$" if leading_zero else r"^[1-9][0-9]*$")
    return lambda value: bool(pattern.match(value)) and len(value) <= max_length


RULES = (
    Rule("MERCHANTNUMBER", 2, True, 10, _digits(10)),
    Rule("OPERATION", 3, True, 20, lambda value: value == "CREATE_ORDER"),
    Rule("ORDERNUMBER", 1, True, 15, _digits(15, leading_zero=False)),
    Rule("AMOUNT", 6, True, 15, _digits(15)),
    Rule("CURRENCY", 7, True, 3, lambda value: value in CURRENCIES),
    Rule("DEPOSITFLAG", 8, True, 1, lambda value: value in {"0", "1"}),
    Rule("MERORDERNUM", 10, False, 30, _digits(30)),
    Rule("URL", 24, True, 300, lambda value: value.startswith(("http://", "https://"))),
    Rule("DESCRIPTION", 26, False, 255, lambda value: bool(_PRINTABLE.match(value))),
    Rule("MD", 25, False, 255, lambda value: bool(_PRINTABLE.match(value))),
    Rule("DIGEST", 34, True, 2000, lambda value: bool(value)),
)


def check_fields(fields: dict[str, str]) -> Problem | None:
    """The first field problem in GP's order, or None."""
    for rule in RULES:
        problem = _check(rule, fields.get(rule.name))
        if problem is not None:
            return problem
    return None


def url_problem(fields: dict[str, str]) -> Problem | None:
    """Problems with URL itself: without a usable URL the gateway cannot redirect back."""
    return _check(next(rule for rule in RULES if rule.name == "URL"), fields.get("URL"))


def _check(rule: Rule, value: str | None) -> Problem | None:
    if value is None:
        return (
            Problem(5, rule.srcode, f"Missing required field {rule.name}")
            if rule.required
            else None
        )
    if value == "":
        return Problem(4, rule.srcode, f"Field {rule.name} is null")
    if len(value) > rule.max_length:
        return Problem(1, rule.srcode, f"Field {rule.name} too long")
    if not rule.valid(value):
        return Problem(3, rule.srcode, f"Incorrect content of field {rule.name}")
    return None


def signed_values(fields: dict[str, str]) -> list[str]:
    return [fields[name] for name in SIGNED_FIELDS if name in fields]
