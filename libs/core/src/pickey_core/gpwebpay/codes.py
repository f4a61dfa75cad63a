"""What a GP webpay PRCODE/SRCODE pair means for us (the gateway's PRCODE/SRCODE table).

Only 0/0 is a success. Decisions where the table leaves room:

- PRCODE 0 with a non-zero SRCODE is not "0/0": it is ``failed``, as pixidos, newPOPE and
  pronnect (open-source clients of the gateway) read it. No client treats it as money
  taken, and reconciliation still asks the gateway if a paid return contradicts it later.
- PRCODE 300 (soft decline, the issuer requires SCA; filias's list) is ``sca_required`` like
  85/86: the fan pays by hand. PRCODE 26 (technical problem in connection to the authorisation
  centre) is ``unknown`` like 1000: reconcile.
- PRCODE 31 (wrong digest) is ``configuration_error``: our signing code is covered by tests, so in
  practice it means the key uploaded to the portal, the key we load or the merchant number (the
  Helm incident) do not match. Either way it alerts and never becomes "the fan's card failed".
- A PRCODE the table does not list is ``failed`` (it is not a success, and nothing says the money
  moved); it is logged by the caller with its codes.
"""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    PAID = "paid"
    FAILED = "failed"
    CANCELLED = "cancelled"
    UNKNOWN = "unknown"
    OUR_BUG = "our_bug"
    CONFIGURATION_ERROR = "configuration_error"
    DUPLICATE_ORDER = "duplicate_order"
    CHAIN_BROKEN = "chain_broken"
    SCA_REQUIRED = "sca_required"


# SRCODE of PRCODE 1-6: the request field that was too long/short/invalid/missing.
SRCODE_FIELDS: dict[int, str] = {
    1: "ORDERNUMBER",
    2: "MERCHANTNUMBER",
    6: "AMOUNT",
    7: "CURRENCY",
    8: "DEPOSITFLAG",
    10: "MERORDERNUM",
    24: "URL",
    25: "MD",
    26: "DESCRIPTION",
    34: "DIGEST",
}

_FIELD_PROBLEMS = frozenset(range(1, 7))
_FAILED = frozenset({28, 30, 32, 35, 37, 38, 39, 40, 46})
_BY_PRCODE: dict[int, Outcome] = {
    11: Outcome.CONFIGURATION_ERROR,
    14: Outcome.DUPLICATE_ORDER,
    31: Outcome.CONFIGURATION_ERROR,
    33: Outcome.CHAIN_BROKEN,
    34: Outcome.CHAIN_BROKEN,
    50: Outcome.CANCELLED,
    85: Outcome.SCA_REQUIRED,
    86: Outcome.SCA_REQUIRED,
    300: Outcome.SCA_REQUIRED,
    26: Outcome.UNKNOWN,
    1000: Outcome.UNKNOWN,
}


def outcome_of(prcode: int | str, srcode: int | str) -> Outcome:
    """Our outcome for a PRCODE/SRCODE pair (strings as received are accepted)."""
    primary, secondary = int(prcode), int(srcode)
    if primary == 0:
        return Outcome.PAID if secondary == 0 else Outcome.FAILED
    if primary in _FIELD_PROBLEMS:
        return Outcome.OUR_BUG
    if primary in _FAILED:
        return Outcome.FAILED
    return _BY_PRCODE.get(primary, Outcome.FAILED)


# PRCODEs with which the gateway refuses the request itself (it redirects back with the error): no
# money moved for *this* request, and a genuine request for the same order may still be paid.
REQUEST_REFUSALS = frozenset({*_FIELD_PROBLEMS, 11, 14, 31})


def refuses_request(prcode: int | str) -> bool:
    """Whether ``prcode`` says the gateway refused the request (not that the fan did not pay)."""
    return int(prcode) in REQUEST_REFUSALS


def field_named_by(prcode: int | str, srcode: int | str) -> str | None:
    """The request field a PRCODE 1-6 complains about, when the SRCODE names a known one."""
    if int(prcode) not in _FIELD_PROBLEMS:
        return None
    return SRCODE_FIELDS.get(int(srcode))
