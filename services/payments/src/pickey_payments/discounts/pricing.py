"""How much a code takes off one price. Pure integer arithmetic in minor units.

- **percent**: ``round_half_up(list * percent / 100)`` (the ledger's rounding: half a haléř goes
  to the fan, as every other part is rounded);
- **fixed**: ``amount_off`` in the code's currency (a CZK code never discounts a EUR tier).

The fan always pays something (the gateway takes no zero amount, and a free membership is a
comp, not a 100 % code): a discount that would leave nothing to pay is refused.

The ledger books what was *paid*: VAT and the platform fee are computed on the discounted price
(§36 of the VAT Act: a discount given before the supply lowers the tax base), so the creator and
the platform each bear the discount in proportion to their parts. The receipt shows the list
price, the discount and the price paid; the discount itself moves no money and is recorded per
payment in ``payment_discounts``, not as ledger entries.

Worked example, 99 Kč with 20 % off at 21 % VAT and a 10 % fee: discount 9900 * 20 / 100 = 1980;
paid 7920; VAT 7920 * 21/121 = 1374.55 → 1375; net 6545; fee 654.5 → 655; creator 5890.
"""

from __future__ import annotations

from pickey_core.models import DiscountCode, DiscountKind
from pickey_payments.ledger.split import round_half_up


def discount_of(code: DiscountCode, list_amount: int) -> int:
    """What ``code`` takes off ``list_amount`` (the caller has checked the currency)."""
    if code.kind is DiscountKind.PERCENT:
        assert code.percent_off is not None
        return round_half_up(list_amount * code.percent_off, 100)
    assert code.amount_off is not None
    return code.amount_off


def applies_to(code: DiscountCode, tier_id: object, currency: str) -> bool:
    """Whether ``code`` may discount this tier at all (tier list and currency)."""
    if code.tier_ids is not None and tier_id not in code.tier_ids:
        return False
    return code.kind is DiscountKind.PERCENT or code.currency == currency
