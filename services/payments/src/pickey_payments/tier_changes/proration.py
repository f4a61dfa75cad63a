"""What an upgrade costs for the rest of the period it starts in.

The rule, to the haléř:

    charge = ceil((new_price - old_price) * remaining_seconds / period_seconds)

- ``new_price`` and ``old_price`` are the two tiers' prices **for the membership's billing
  interval**: monthly prices for a monthly member, yearly prices for a yearly one (a yearly member
  upgrades to a tier that has a yearly price; the difference of the two yearly prices is prorated
  over the year). Integer minor units, the same currency.
- The **period** is the membership's current period, ``current_period_start`` to
  ``current_period_end``, measured in whole seconds: the real length of that calendar month
  (28 to 31 days) or year (365 or 366 days), so a day in February costs more than a day in March,
  exactly as the fan's monthly price buys a shorter month.
- **Remaining** is from the moment of the upgrade (the request's clock, truncated to the whole
  second) to ``current_period_end``, in whole seconds, never below zero and never above the
  period.
- **Rounding is up** (towards the creator) to the next haléř, because the gateway charges whole
  minor units and the alternative would let the platform's books drift a fraction of a haléř per
  upgrade in the fan's favour with nothing recording it. The overpayment is below one haléř by
  construction; an exact result is never rounded.
- Nothing to charge (a downgrade, the same price, no time left) is never a charge: those changes
  wait for the renewal (:mod:`pickey_payments.memberships.service`). A positive difference always
  costs at least 1 haléř while any second remains (that is the upward rounding, not a minimum fee).

The renewal after an upgrade charges the new tier's full price for the next period.
"""

from __future__ import annotations

from datetime import datetime


def period_seconds(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds())


def remaining_seconds(now: datetime, start: datetime, end: datetime) -> int:
    """Whole seconds from ``now`` to ``end``, clamped to the period."""
    now = now.replace(microsecond=0)
    left = int((end - max(now, start)).total_seconds())
    return max(0, min(left, period_seconds(start, end)))


def prorated_difference(
    old_price: int, new_price: int, now: datetime, start: datetime, end: datetime
) -> int:
    """The upgrade charge in minor units (0 when there is nothing to charge)."""
    difference = new_price - old_price
    length = period_seconds(start, end)
    if difference <= 0 or length <= 0:
        return 0
    left = remaining_seconds(now, start, end)
    # Ceiling division in integers: floats would lose haléře on large yearly prices.
    return -((-difference * left) // length)
