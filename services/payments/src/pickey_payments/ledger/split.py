"""How one paid amount divides into VAT, platform fee, the creator's share and the gateway fee.

Pure integer arithmetic in minor units (haléře, cents); every part is rounded half up to the
minor unit, and the parts always add back up to the gross exactly:

- **VAT** is included in the price. The platform is the deemed supplier of the electronically
  supplied service to the fan (Art. 9a of Implementing Regulation (EU) 282/2011: a platform
  that sets the terms and takes the payment supplies the service in its own name), so the VAT
  on the whole price is the platform's to declare: ``vat = round(gross * rate / (1 + rate))``
  (§37(2) of the Czech VAT Act: the tax computed from a price that includes it), rounded to the
  haléř.
- **Platform fee** = ``round(net * fee_bps / 10000) + fixed`` where ``net = gross - vat``, capped
  at ``net``. It applies to the price *net of VAT*: the VAT is not income of either party (the
  platform owes all of it to the state), so a percentage of it would charge the creator for tax
  the platform pays anyway, and the creator's share would move with the VAT rate.
- **Creator's share** = ``net - platform fee``.
- **Gateway fee** (estimate) = ``round(gross * gateway_bps / 10000) + gateway_fixed``: the card
  gateway charges the platform on the whole amount; the platform bears it out of its fee, the
  creator's share does not change.

Worked example, 99 Kč at 21 % VAT and a 10 % fee: gross 9900; VAT 9900 * 2100 / 12100 =
1718.18… → 1718; net 8182; fee 818.2 → 818; creator 7364.
"""

from __future__ import annotations

from dataclasses import dataclass


def round_half_up(numerator: int, denominator: int) -> int:
    """``numerator / denominator`` rounded half up, for a non-negative numerator."""
    if numerator < 0 or denominator <= 0:
        raise ValueError("round_half_up takes a non-negative numerator and positive denominator")
    return (2 * numerator + denominator) // (2 * denominator)


@dataclass(frozen=True)
class FeeTerms:
    """The platform fee for one creator: their own terms or the default from settings."""

    fee_bps: int
    fee_fixed: int


@dataclass(frozen=True)
class Split:
    gross: int
    vat: int
    platform_fee: int
    creator_share: int
    gateway_fee: int

    @property
    def net(self) -> int:
        return self.gross - self.vat


def split_payment(
    gross: int,
    vat_rate_bps: int,
    terms: FeeTerms,
    gateway_fee_bps: int = 0,
    gateway_fee_fixed: int = 0,
) -> Split:
    if gross <= 0:
        raise ValueError("a paid amount is positive")
    vat = round_half_up(gross * vat_rate_bps, 10000 + vat_rate_bps)
    net = gross - vat
    fee = min(net, round_half_up(net * terms.fee_bps, 10000) + terms.fee_fixed)
    gateway_fee = round_half_up(gross * gateway_fee_bps, 10000) + gateway_fee_fixed
    return Split(gross, vat, fee, net - fee, gateway_fee)


def refund_part(whole: int, gross: int, refunded_after: int, taken_before: int) -> int:
    """The part of ``whole`` (a payment's VAT or fee) that a refund takes back, when refunds
    will then total ``refunded_after`` of the ``gross`` and earlier ones took ``taken_before``.

    Computed from the cumulative refunded amount minus what was actually taken, so partial
    refunds that add up to the gross take back exactly ``whole``, whatever order they were
    made, released or retried in (no haléř lost or made up by rounding each one alone).
    """
    return round_half_up(whole * refunded_after, gross) - taken_before
