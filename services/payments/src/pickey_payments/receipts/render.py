"""A receipt as HTML (Jinja2, autoescaped) and as PDF (fpdf2).

Amounts print as Czech money (``1 234,50 Kč``, ``12,00 €``) and dates as Czech calendar days.
The PDF uses DejaVu Sans, the font the payout statements use (the payments image installs
``fonts-dejavu-core``); without it the built-in Helvetica is used and the text is transliterated
to ASCII, so a PDF is always produced.

fpdf2 and Jinja2 are imported on first use, as in
:mod:`pickey_payments.payouts.statement_documents` (start-up and idle memory, issue 14, P7).
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from pickey_core.gpwebpay.transliteration import to_printable_ascii
from pickey_core.models import RefundState
from pickey_payments.payouts.statement_documents import FONT
from pickey_payments.receipts.schemas import Receipt

if TYPE_CHECKING:
    from jinja2 import Environment

PRAGUE = ZoneInfo("Europe/Prague")
SYMBOLS = {"CZK": "Kč", "EUR": "€"}
STATES = {
    RefundState.REQUESTED: "přijato / requested",
    RefundState.PENDING: "zpracovává se / in progress",
    RefundState.UNKNOWN: "zpracovává se / in progress",
    RefundState.SUCCEEDED: "vráceno / refunded",
    RefundState.FAILED: "nezdařilo se / failed",
}


def money(amount: int, currency: str) -> str:
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount), 100)
    grouped = f"{whole:,}".replace(",", "\u00a0")
    return f"{sign}{grouped},{cents:02d}\u00a0{SYMBOLS.get(currency, currency)}"


def day(moment: datetime | date) -> str:
    local = moment.astimezone(PRAGUE) if isinstance(moment, datetime) else moment
    return f"{local.day}. {local.month}. {local.year}"


@cache
def _environment() -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("pickey_payments.receipts", "templates"),
        autoescape=select_autoescape(["html"]),
    )


def html(receipt: Receipt) -> str:
    template = _environment().get_template("receipt.html")
    return template.render(
        r=receipt,
        money=lambda amount: money(amount, receipt.currency),
        day=day,
        date=day,
        states=STATES,
    )


def pdf(receipt: Receipt, font: Path = FONT) -> bytes:
    from fpdf import FPDF

    document = FPDF(format="A4")
    document.add_page()
    unicode_font = font.is_file()
    if unicode_font:
        document.add_font("receipt", "", str(font))
        family = "receipt"
    else:
        family = "Helvetica"

    def text(value: str) -> str:
        value = value.replace("\u00a0", " ")
        return value if unicode_font else to_printable_ascii(value)

    def line(value: str, size: int = 10, height: float = 6) -> None:
        document.set_font(family, size=size)
        document.multi_cell(0, height, text(value), new_x="LMARGIN", new_y="NEXT")

    def row(label: str, amount: int) -> None:
        document.set_font(family, size=10)
        document.cell(130, 7, text(label), border="B")
        document.cell(0, 7, text(money(amount, receipt.currency)), border="B", align="R")
        document.ln(7)

    seller = receipt.seller
    line(f"{receipt.document} / Simplified tax document", size=15, height=9)
    line(f"Číslo dokladu / Number: {receipt.number}")
    line(f"Datum vystavení / Issued: {day(receipt.issued_at)}")
    line(f"Datum uskutečnění zdanitelného plnění / Date of supply: "
         f"{day(receipt.taxable_supply_date)}")  # fmt: skip
    document.ln(3)
    line("Prodávající / Seller", size=12, height=7)
    for value in (
        seller.name,
        seller.address,
        f"IČO: {seller.ico}" if seller.ico else None,
        f"DIČ: {seller.dic}" if seller.dic else None,
    ):
        if value:
            line(value)
    document.ln(2)
    line("Kupující / Buyer", size=12, height=7)
    line(receipt.buyer.name)
    if receipt.buyer.email:
        line(receipt.buyer.email)
    document.ln(3)
    line(receipt.description)
    if receipt.discount:
        row("Cena / List price", receipt.list_price)
        row(f"Sleva / Discount ({receipt.discount_code})", -receipt.discount)
    row("Základ daně / Tax base", receipt.base)
    row(f"DPH {receipt.vat_rate_percent} % / VAT", receipt.vat)
    row("Celkem s DPH / Total incl. VAT", receipt.total)
    document.ln(2)
    line(f"Platba kartou přes GP webpay, objednávka {receipt.order_number}.", size=8)
    if receipt.refunds:
        document.ln(2)
        line("Vrácené platby / Refunds", size=12, height=7)
        for refund in receipt.refunds:
            row(f"{day(refund.created_at)} {STATES[refund.state]}", refund.amount)
        row("Vráceno / Refunded", receipt.refunded)
    return bytes(document.output())
