"""A statement as JSON-ready data, as printable HTML (Jinja2) and as PDF (fpdf2).

The PDF uses DejaVu Sans when the font is installed (Czech letters need a Unicode font; the
payments image installs ``fonts-dejavu-core``); without it, the text is transliterated to ASCII
for fpdf2's built-in Helvetica, so a statement can always be produced.

fpdf2 (with fontTools and Pillow) and Jinja2 are imported on first use: a third of a second and
tens of MiB that a payments web process answering checkouts and returns never needs (issue 14, P7).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pickey_core.gpwebpay.transliteration import to_printable_ascii
from pickey_payments.payouts.statement import Statement

if TYPE_CHECKING:
    from jinja2 import Environment

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@cache
def _templates() -> Environment:
    from jinja2 import Environment, PackageLoader, select_autoescape

    return Environment(
        loader=PackageLoader("pickey_payments.payouts", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",)),
    )


def amount_text(minor: int) -> str:
    """``-123456`` → ``-1234.56``: two decimals for both CZK and EUR."""
    sign = "-" if minor < 0 else ""
    return f"{sign}{abs(minor) // 100}.{abs(minor) % 100:02d}"


def as_json(statement: Statement) -> dict[str, Any]:
    return {
        "number": statement.number,
        "period": statement.period,
        "issued_at": statement.issued_at.isoformat(),
        "state": statement.state.value,
        "currency": statement.currency,
        "supplier": vars(statement.supplier),
        "customer": vars(statement.customer),
        "iban": statement.iban,
        "opening": statement.opening,
        "payments": [
            {
                "payment_id": str(line.payment_id),
                "paid_at": line.paid_at.isoformat(),
                "gross": line.gross,
                "vat": line.vat,
                "platform_fee": line.platform_fee,
                "share": line.share,
            }
            for line in statement.payments
        ],
        "others": [
            {
                "kind": line.kind.value,
                "at": line.at.isoformat(),
                "amount": line.amount,
                "refund_id": str(line.refund_id) if line.refund_id else None,
                "payout_id": str(line.payout_id) if line.payout_id else None,
            }
            for line in statement.others
        ],
        "totals": statement.totals,
        "closing": statement.closing,
        "paid_out": statement.paid_out,
        "carried": statement.carried,
    }


def as_html(statement: Statement) -> str:
    template = _templates().get_template("statement.html")
    return template.render(s=statement, t=statement.totals, money=amount_text)


def as_pdf(statement: Statement) -> bytes:
    from fpdf import FPDF
    from fpdf.fonts import FontFace

    pdf = FPDF(format="A4")
    if FONT.exists():
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=9)

        def text(value: str) -> str:
            return value
    else:
        pdf.set_font("Helvetica", size=9)

        def text(value: str) -> str:
            return to_printable_ascii(value)

    pdf.set_title(statement.number)
    pdf.add_page()
    width = pdf.epw

    def line(value: str, height: float = 5) -> None:
        pdf.multi_cell(width, height, text(value), new_x="LMARGIN", new_y="NEXT")

    pdf.set_font_size(13)
    line(f"Faktura (self-billing) / Self-billing invoice {statement.number}", 8)
    pdf.set_font_size(9)
    line(f"Výpis k výplatě / Payout statement {statement.period} ({statement.state.value})")
    line(f"Dodavatel / Supplier: {statement.supplier.name}, {statement.iban}, neplátce DPH")
    customer = statement.customer
    line(
        f"Odběratel / Customer: {customer.name}, {customer.address}, "
        f"IČO {customer.company_id}, DIČ {customer.vat_id}"
    )
    line(f"Vystaveno / Issued: {statement.issued_at.date().isoformat()}, {statement.currency}")
    pdf.ln(3)
    line(f"Počáteční zůstatek / Opening: {amount_text(statement.opening)}")
    with pdf.table(
        col_widths=(22, 56, 24, 22, 22, 24),
        text_align="RIGHT",
        headings_style=FontFace(emphasis=""),  # one regular font: no bold face to embed
    ) as table:
        table.row([text(v) for v in ("Datum", "Platba", "S DPH", "DPH", "Poplatek", "Podíl")])
        for item in statement.payments:
            table.row(
                [
                    item.paid_at.date().isoformat(),
                    str(item.payment_id)[:18],
                    amount_text(item.gross),
                    amount_text(item.vat),
                    amount_text(item.platform_fee),
                    amount_text(item.share),
                ]
            )
        totals = statement.totals
        table.row(
            [
                text("Celkem"),
                "",
                amount_text(totals["gross"]),
                amount_text(totals["vat"]),
                amount_text(totals["platform_fee"]),
                amount_text(totals["share"]),
            ]
        )
    for other in statement.others:
        line(f"{other.at.date().isoformat()} {other.kind.value}: {amount_text(other.amount)}")
    pdf.ln(3)
    line(f"Konečný zůstatek / Closing: {amount_text(statement.closing)}")
    line(f"Vyplaceno / Paid out: {amount_text(statement.paid_out)}")
    line(f"Převádí se / Carried: {amount_text(statement.carried)}")
    return bytes(pdf.output())
