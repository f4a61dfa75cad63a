"""Errors that more than one domain package raises, defined once below all of them.

Checkout and a membership change both refuse a missing or archived tier; payments and refunds
both answer for a payment that is not the caller's. Kept here rather than in one of those
packages so that the other does not import it for an error (which made the packages a cycle).
"""

from __future__ import annotations

from pickey_core.errors import Conflict, NotFound


class TierNotFound(NotFound):
    code = "tier_not_found"


class TierArchived(Conflict):
    code = "tier_archived"


class PaymentNotFound(NotFound):
    code = "payment_not_found"
