"""Which price of a tier a membership pays: the monthly one, or the yearly one when the fan
chose a year (a tier without a yearly price cannot be paid yearly)."""

from __future__ import annotations

from pickey_core.errors import Conflict
from pickey_core.models import BillingInterval, Tier


class NoYearlyPrice(Conflict):
    code = "no_yearly_price"


def price_of(tier: Tier, interval: BillingInterval) -> int:
    """The tier's price for one period of ``interval``, in minor units of ``tier.currency``."""
    price = tier.price_for(interval)
    if price is None:
        raise NoYearlyPrice("This tier is paid monthly only.")
    return price
