"""Money and dates as Czech and English readers expect them (Jinja filters ``money``, ``date``).

Amounts are integers in minor units with an ISO currency; dates arrive as ISO 8601 strings
(notification data is JSON). Dates are shown in Prague time, where Pickey's users live.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

PRAGUE = ZoneInfo("Europe/Prague")
SYMBOLS = {"CZK": "Kč", "EUR": "€"}
EN_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def format_money(amount: int, currency: str, locale: str) -> str:
    """``5900, "CZK"`` → ``59 Kč`` (cs) / ``CZK 59`` (en); cents shown only when there are any."""
    whole, cents = divmod(abs(int(amount)), 100)
    sign = "-" if amount < 0 else ""
    if locale == "cs":
        grouped = f"{whole:,}".replace(",", "\u00a0")
        number = grouped if not cents else f"{grouped},{cents:02d}"
        return f"{sign}{number}\u00a0{SYMBOLS.get(currency, currency)}"
    number = f"{whole:,}" if not cents else f"{whole:,}.{cents:02d}"
    return f"{sign}{currency}\u00a0{number}"


def format_date(value: str | datetime, locale: str) -> str:
    """``2026-12-01T10:00:00+00:00`` → ``1. 12. 2026`` (cs) / ``1 December 2026`` (en)."""
    moment = datetime.fromisoformat(value) if isinstance(value, str) else value
    local = moment.astimezone(PRAGUE) if moment.tzinfo is not None else moment
    if locale == "cs":
        return f"{local.day}.\u00a0{local.month}.\u00a0{local.year}"
    return f"{local.day} {EN_MONTHS[local.month - 1]} {local.year}"
