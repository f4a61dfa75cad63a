"""VAT, platform fee, creator share and gateway fee of one payment, to the haléř."""

from __future__ import annotations

import pytest

from pickey_payments.ledger.split import (
    FeeTerms,
    refund_part,
    round_half_up,
    split_payment,
)

TEN_PERCENT = FeeTerms(fee_bps=1000, fee_fixed=0)


@pytest.mark.parametrize(
    ("gross", "vat", "fee", "share"),
    [
        (9900, 1718, 818, 7364),  # 99 Kč: VAT 1718.18 -> 1718, fee 818.2 -> 818
        (5900, 1024, 488, 4388),  # 59 Kč: VAT 1023.97 -> 1024, fee 487.6 -> 488
        (19900, 3454, 1645, 14801),  # 199 Kč: VAT 3453.72 -> 3454, fee 1644.6 -> 1645
        (1, 0, 0, 1),  # 0.01 Kč: VAT 0.17 -> 0
        (3, 1, 0, 2),  # VAT 0.5207 -> 1, fee 0.2 -> 0
        (121, 21, 10, 90),  # exactly 21 haléřů VAT, fee exactly 10
        (605, 105, 50, 450),  # VAT exactly 105, fee 50
        (1155, 200, 96, 859),  # VAT 200.45 -> 200, fee 95.5 -> 96 (half rounds up)
    ],
)
def test_split_at_21_percent_and_10_percent_fee(gross: int, vat: int, fee: int, share: int) -> None:
    split = split_payment(gross, 2100, TEN_PERCENT)
    assert (split.vat, split.platform_fee, split.creator_share) == (vat, fee, share)
    assert split.vat + split.platform_fee + split.creator_share == gross
    assert split.gateway_fee == 0


def test_exact_half_haler_of_vat_rounds_up() -> None:
    # At 21 % the VAT (21/121 of the gross) is never exactly half a haléř; at 12 % (3/28) a
    # gross of 14 haléřů gives 1.5 -> 2, and 42 gives 4.5 -> 5.
    assert split_payment(14, 1200, TEN_PERCENT).vat == 2
    assert split_payment(42, 1200, TEN_PERCENT).vat == 5
    assert split_payment(13, 1200, TEN_PERCENT).vat == 1  # 1.39 -> 1


def test_round_half_up() -> None:
    assert [round_half_up(n, 2) for n in (0, 1, 2, 3, 5)] == [0, 1, 1, 2, 3]
    assert [round_half_up(n, 3) for n in (1, 2)] == [0, 1]
    with pytest.raises(ValueError, match="non-negative"):
        round_half_up(-1, 2)


def test_fixed_fee_and_cap_at_net() -> None:
    split = split_payment(9900, 2100, FeeTerms(fee_bps=500, fee_fixed=300))
    # net 8182; 5 % = 409.1 -> 409; + 3 Kč fixed = 709
    assert (split.vat, split.platform_fee, split.creator_share) == (1718, 709, 7473)
    tiny = split_payment(100, 2100, FeeTerms(fee_bps=1000, fee_fixed=500))
    # net 83 (VAT 17.36 -> 17); the fee can never take more than the net
    assert (tiny.vat, tiny.platform_fee, tiny.creator_share) == (17, 83, 0)


def test_gateway_fee_is_on_the_gross_and_leaves_the_creator_share_alone() -> None:
    without = split_payment(9900, 2100, TEN_PERCENT)
    with_fee = split_payment(9900, 2100, TEN_PERCENT, gateway_fee_bps=120, gateway_fee_fixed=150)
    # 1.2 % of 9900 = 118.8 -> 119, + 1.50 Kč
    assert with_fee.gateway_fee == 269
    assert with_fee.creator_share == without.creator_share == 7364


def test_zero_vat_and_zero_fee() -> None:
    split = split_payment(9900, 0, FeeTerms(0, 0))
    assert (split.vat, split.platform_fee, split.creator_share) == (0, 0, 9900)


def test_partial_refunds_take_back_exactly_the_whole() -> None:
    # A 99 Kč payment (VAT 1718) refunded in three parts of 33 Kč.
    parts: list[int] = []
    for after in (3300, 6600, 9900):
        parts.append(refund_part(1718, 9900, after, sum(parts)))
    assert parts == [573, 572, 573]  # 572.67 -> 573; 1145.33 -> 1145 (572); 1718 (573)
    # Refunded 3300, then that one released (nothing taken), then 9900 at once: all of it.
    assert refund_part(1718, 9900, 9900, 0) == 1718
    # 3300 taken 573; a refund of the remaining 6600 takes exactly the rest.
    assert refund_part(1718, 9900, 9900, 573) == 1145


def test_a_non_positive_gross_is_refused() -> None:
    with pytest.raises(ValueError, match="positive"):
        split_payment(0, 2100, TEN_PERCENT)
