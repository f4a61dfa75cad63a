"""Read a bank account as a creator types it: an IBAN, or a Czech ``prefix-number/bank``.

Validation is schwifty's (a maintained IBAN library with the national rules): the IBAN check
digits, the country's format, and for Czech accounts the national weighted checksums of the
prefix and the number and a bank code that exists in the Czech National Bank's list. Only
countries of the SEPA zone are accepted: payouts leave as ISO 20022 credit transfers.
"""

from __future__ import annotations

import re

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

# [prefix-]number/bank: prefix up to 6 digits, number 2-10 digits, bank code 4 digits.
CZECH_ACCOUNT = re.compile(r"^(?:(?P<prefix>\d{1,6})-)?(?P<number>\d{2,10})/(?P<bank>\d{4})$")


class InvalidBankAccount(ValueError):
    """The text is not an account we can pay to; the message says why, for the creator."""


def to_iban(text: str) -> IBAN:
    compact = "".join(text.split())
    match = CZECH_ACCOUNT.match(compact)
    try:
        if match:
            iban = IBAN.generate(
                "CZ",
                bank_code=match["bank"],
                branch_code=match["prefix"] or "0",
                account_code=match["number"],
            )
            iban = IBAN(str(iban), validate_bban=True)
        else:
            iban = IBAN(compact.upper(), validate_bban=True)
    except SchwiftyException as error:
        raise InvalidBankAccount(f"Not a valid account number: {error}") from error
    if not iban.spec.in_sepa_zone:
        raise InvalidBankAccount(
            f"Payouts go to accounts in the SEPA zone, not {iban.country_code}."
        )
    if iban.country_code == "CZ" and iban.bank is None:
        raise InvalidBankAccount(f"Unknown Czech bank code {iban.bank_code}.")
    return iban
