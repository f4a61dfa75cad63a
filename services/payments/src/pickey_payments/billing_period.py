"""The length of a membership period: one calendar month, or one calendar year.

A period starting on the 31st ends on the last day of a shorter month (Jan 31 → Feb 28), and the
next one runs from there (Feb 28 → Mar 28): each period is exactly one month long and dates can
drift towards the end of a month; the fan is never charged twice within a month.
"""

from __future__ import annotations

import calendar
from datetime import datetime

from pickey_core.models import BillingInterval


def add_month(moment: datetime) -> datetime:
    year, month = (moment.year + 1, 1) if moment.month == 12 else (moment.year, moment.month + 1)
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def add_year(moment: datetime) -> datetime:
    day = min(moment.day, calendar.monthrange(moment.year + 1, moment.month)[1])
    return moment.replace(year=moment.year + 1, day=day)


def period_end(start: datetime, interval: BillingInterval) -> datetime:
    """The end of a period of ``interval`` starting at ``start``."""
    return add_year(start) if interval is BillingInterval.YEAR else add_month(start)
