"""The fake payment page a developer sees after ``order.do``: pick what the "card" does."""

from __future__ import annotations

from html import escape

from pickey_sandbox.gpwebpay.store import Order

PAGE_PATH = "/sandbox/gpwebpay"

CHOICES: tuple[tuple[str, str], ...] = (
    ("paid", "Pay (PRCODE 0/0)"),
    ("declined", "Declined by the bank (30/1002)"),
    ("3ds_failed", "3-D Secure failed (28/3000)"),
    ("cancelled", "Cancel (50)"),
    ("technical", "Technical problem (1000)"),
    ("close_browser", "Close the browser (no return, not paid)"),
    ("close_browser_paid", "Close the browser after paying (no return, paid)"),
)


def payment_page(order: Order) -> str:
    buttons = "\n".join(
        f'<button name="outcome" value="{escape(value)}">{escape(label)}</button><br>'
        for value, label in CHOICES
    )
    action = (
        f"{PAGE_PATH}/orders/{escape(order.merchant_number)}/{escape(order.order_number)}/choose"
    )
    description = escape(order.fields.get("DESCRIPTION", ""))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GP webpay sandbox</title></head>
<body><h1>GP webpay sandbox payment</h1>
<p>Merchant {escape(order.merchant_number)}, order {escape(order.order_number)}:
{escape(order.amount)} (currency {escape(order.currency)}) {description}</p>
<form method="post" action="{action}">
{buttons}
</form></body></html>
"""


def error_page(prcode: int, srcode: int, text: str) -> str:
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>GP webpay sandbox error</title></head>
<body><h1>Payment request refused</h1>
<p>PRCODE {prcode}, SRCODE {srcode}: {escape(text)}</p></body></html>
"""


def closed_page() -> str:
    return """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Closed</title></head><body><p>The "browser" was closed; nothing returns to the shop.</p>
</body></html>
"""
