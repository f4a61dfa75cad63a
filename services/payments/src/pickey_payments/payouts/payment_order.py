"""The bank payment order of a payout batch: ISO 20022 ``pain.001.001.03`` through ``sepaxml``.

One document per currency (the library writes one currency per file). Euro orders are SEPA
credit transfers (service level ``SEPA``). Koruna orders are Czech domestic payments in the same
format, which Czech banks accept for CZK (the CBA XML standard is pain.001.001.03): the SEPA
service level is left out, since SEPA is euro-only. Every document is validated against the
official pain.001.001.03 XSD that ships with the library before it is stored; a payout that
would not validate stops the run (nothing is moved) rather than producing a file the bank
refuses.

Each transaction's EndToEndId is the payout's statement number, so the bank statement line
leads back to the payout and its self-billing invoice.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sepaxml import SepaTransfer

from pickey_payments.ledger.config import MoneyConfig


@dataclass(frozen=True)
class OrderLine:
    holder_name: str
    iban: str
    amount: int  # minor units
    statement_number: str
    period: str


def build(money: MoneyConfig, currency: str, lines: list[OrderLine], execution: date) -> str:
    """The pain.001 XML of ``lines`` (all in ``currency``), validated against the XSD."""
    if money.payout_debtor_iban is None:
        raise ValueError("PICKEY_BILLING__MONEY__PAYOUT_DEBTOR_IBAN is not set")
    config: dict[str, object] = {
        "name": money.payout_debtor_name,
        "IBAN": money.payout_debtor_iban,
        "batch": True,
        "currency": currency,
        "domestic": currency != "EUR",
    }
    if money.payout_debtor_bic:
        config["BIC"] = money.payout_debtor_bic
    transfer = SepaTransfer(config, clean=True)
    for line in lines:
        transfer.add_payment(
            {
                "name": line.holder_name,
                "IBAN": line.iban,
                "amount": line.amount,
                "execution_date": execution,
                "description": f"Pickey {line.period} {line.statement_number}",
                "endtoend_id": line.statement_number,
            }
        )
    document: bytes = transfer.export(validate=True)
    return document.decode()
