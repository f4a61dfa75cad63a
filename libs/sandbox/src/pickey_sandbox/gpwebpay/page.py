"""The fake payment page a developer sees after ``order.do`` (pick what the "card" does), and the
overview at ``/sandbox/gpwebpay`` that lists orders and finishes a pending one the same way.

The pages are in Czech, as GP webpay's own page is for a Czech shop, and show the amount as a
person reads it (``99,00 Kč``), not the gateway's minor units and ISO 4217 numeric code.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from pickey_sandbox.gpwebpay.store import Order

PAGE_PATH = "/sandbox/gpwebpay"

CHOICES: tuple[tuple[str, str], ...] = (
    ("paid", "Zaplatit (PRCODE 0/0)"),
    ("declined", "Zamítnuto bankou (30/1002)"),
    ("3ds_failed", "Ověření 3-D Secure selhalo (28/3000)"),
    ("cancelled", "Zrušit platbu (50)"),
    ("technical", "Technická chyba (1000)"),
    ("close_browser", "Zavřít prohlížeč (bez návratu, nezaplaceno)"),
    ("close_browser_paid", "Zavřít prohlížeč po zaplacení (bez návratu, zaplaceno)"),
)

# ISO 4217 numeric codes the gateway accepts, as Czech shops write them after the amount.
CURRENCY_SYMBOLS = {"203": "Kč", "978": "€", "840": "US$", "826": "£", "348": "Ft", "985": "zł"}
_NBSP = "\u00a0"

_STYLE = """<style>
body { font-family: system-ui, sans-serif; margin: 2rem; max-width: 40rem; }
button { margin: .2rem 0; padding: .4rem .8rem; }
.amount { font-size: 1.6rem; font-weight: bold; }
td, th { padding: .2rem .6rem; text-align: left; vertical-align: top; }
</style>"""


def format_amount(minor_units: str, currency_code: str) -> str:
    """``"9900", "203"`` → ``"99,00 Kč"``; thousands grouped by a no-break space, Czech style."""
    symbol = CURRENCY_SYMBOLS.get(currency_code, f"(měna {currency_code})")
    if not minor_units.isdigit():
        return f"{minor_units} {symbol}"
    whole, cents = divmod(int(minor_units), 100)
    grouped = f"{whole:,}".replace(",", _NBSP)
    return f"{grouped},{cents:02d}{_NBSP}{symbol}"


def _outcome_form(order: Order) -> str:
    action = (
        f"{PAGE_PATH}/orders/{escape(order.merchant_number)}/{escape(order.order_number)}/choose"
    )
    buttons = "\n".join(
        f'<button name="outcome" value="{escape(value)}">{escape(label)}</button><br>'
        for value, label in CHOICES
    )
    return f'<form method="post" action="{action}">\n{buttons}\n</form>'


def payment_page(order: Order) -> str:
    description = escape(order.fields.get("DESCRIPTION", ""))
    return f"""<!doctype html>
<html lang="cs"><head><meta charset="utf-8"><title>GP webpay: platba (sandbox)</title>
{_STYLE}</head>
<body><h1>Platba kartou (sandbox GP webpay)</h1>
<p>Obchodník {escape(order.merchant_number)}, objednávka {escape(order.order_number)}</p>
<p class="amount">{escape(format_amount(order.amount, order.currency))}</p>
<p>{description}</p>
<p>Vyberte, jak platba dopadne:</p>
{_outcome_form(order)}
</body></html>
"""


def overview_page(orders: Iterable[Order]) -> str:
    """Every order the gateway received; a pending one can be finished here with any outcome
    (a developer who closed the payment page, or wants to try a decline later)."""
    rows = []
    for order in orders:
        pending = order.state == "pending" and not order.returned
        action = _outcome_form(order) if pending else ""
        rows.append(
            f"<tr><td>{escape(order.merchant_number)}/{escape(order.order_number)}</td>"
            f"<td>{escape(format_amount(order.amount, order.currency))}</td>"
            f"<td>{escape(order.fields.get('DESCRIPTION', ''))}</td>"
            f"<td>{escape(order.state)}</td><td>{action}</td></tr>"
        )
    body = "\n".join(rows) or '<tr><td colspan="5">Zatím žádné objednávky.</td></tr>'
    return f"""<!doctype html>
<html lang="cs"><head><meta charset="utf-8"><title>GP webpay sandbox</title>{_STYLE}</head>
<body><h1>GP webpay sandbox: objednávky</h1>
<p>Nevyřízenou objednávku lze dokončit zvoleným výsledkem; prohlížeč pak přejde na návratovou
adresu obchodu.</p>
<table><tr><th>objednávka</th><th>částka</th><th>popis</th><th>stav</th><th>dokončit</th></tr>
{body}
</table></body></html>
"""


def error_page(prcode: int, srcode: int, text: str) -> str:
    return f"""<!doctype html>
<html lang="cs"><head><meta charset="utf-8"><title>GP webpay sandbox: chyba</title></head>
<body><h1>Požadavek na platbu byl odmítnut</h1>
<p>PRCODE {prcode}, SRCODE {srcode}: {escape(text)}</p></body></html>
"""


def closed_page() -> str:
    return """<!doctype html><html lang="cs"><head><meta charset="utf-8">
<title>Zavřeno</title></head><body><p>„Prohlížeč“ byl zavřen; do obchodu se nic nevrátí.</p>
</body></html>
"""
