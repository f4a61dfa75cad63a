"""The upgrade proration rule, to the haléř (pickey_payments.tier_changes.proration)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from pickey_payments.billing_period import add_month, add_year
from pickey_payments.tier_changes.proration import prorated_difference, remaining_seconds

MARCH = datetime(2026, 3, 1, tzinfo=UTC)
APRIL = datetime(2026, 4, 1, tzinfo=UTC)


def test_the_readme_example() -> None:
    # 99 Kč → 199 Kč on 21 March 12:00 of a 1 March to 1 April period (31 days): 10.5 days left
    # of 31, so 10 000 haléřů x 907 200 s / 2 678 400 s = 3 387.0967… → 3 388 haléřů (33,88 Kč).
    now = datetime(2026, 3, 21, 12, 0, tzinfo=UTC)
    assert remaining_seconds(now, MARCH, APRIL) == 907_200
    assert prorated_difference(9_900, 19_900, now, MARCH, APRIL) == 3_388


def test_rounds_up_to_the_next_haler_and_never_rounds_an_exact_result() -> None:
    half = MARCH + (APRIL - MARCH) / 2
    # Exactly half of 10 000: 5 000, not 5 001.
    assert prorated_difference(9_900, 19_900, half, MARCH, APRIL) == 5_000
    # One second later: 4 999.998… → 5 000 (up), not 4 999.
    assert prorated_difference(9_900, 19_900, half + timedelta(seconds=1), MARCH, APRIL) == 5_000
    # A difference of 1 haléř with one second left is still 1 haléř (0.0000004 rounded up).
    assert prorated_difference(100, 101, APRIL - timedelta(seconds=1), MARCH, APRIL) == 1


def test_the_edge_where_rounding_changes_the_amount() -> None:
    # 3 100 haléřů over 31 days is exactly 100 haléřů a day: a whole day left costs 100; a day
    # and a second 101 (100.0012 rounded up); a day less a second 100 (99.9988 rounded up).
    day_left = APRIL - timedelta(days=1)
    assert prorated_difference(1, 3_101, day_left, MARCH, APRIL) == 100
    assert prorated_difference(1, 3_101, day_left - timedelta(seconds=1), MARCH, APRIL) == 101
    assert prorated_difference(1, 3_101, day_left + timedelta(seconds=1), MARCH, APRIL) == 100


def test_fractions_of_a_second_do_not_count() -> None:
    now = datetime(2026, 3, 21, 12, 0, 0, 999_999, tzinfo=UTC)
    assert prorated_difference(9_900, 19_900, now, MARCH, APRIL) == 3_388


def test_a_day_of_february_costs_more_than_a_day_of_march() -> None:
    feb, mar = datetime(2026, 2, 1, tzinfo=UTC), MARCH
    in_feb = prorated_difference(1, 2_801, mar - timedelta(days=1), feb, mar)
    in_mar = prorated_difference(1, 2_801, APRIL - timedelta(days=1), mar, APRIL)
    assert (in_feb, in_mar) == (100, 91)  # 2 800 / 28 days; 2 800 / 31 = 90.3 → 91


@pytest.mark.parametrize(
    ("old", "new"),
    [(19_900, 9_900), (9_900, 9_900)],
    ids=["downgrade", "same price"],
)
def test_nothing_to_charge_when_not_dearer(old: int, new: int) -> None:
    assert prorated_difference(old, new, MARCH + timedelta(days=3), MARCH, APRIL) == 0


def test_nothing_to_charge_when_the_period_is_over_or_not_begun_counts_whole() -> None:
    assert prorated_difference(9_900, 19_900, APRIL, MARCH, APRIL) == 0
    assert prorated_difference(9_900, 19_900, APRIL + timedelta(days=2), MARCH, APRIL) == 0
    # A clock behind the period's start charges the whole difference, never more.
    assert prorated_difference(9_900, 19_900, MARCH - timedelta(days=2), MARCH, APRIL) == 10_000


def test_yearly_prices_are_prorated_over_the_real_year() -> None:
    start = datetime(2027, 6, 15, 8, 30, tzinfo=UTC)
    end = add_year(start)
    assert (end - start).days == 366  # 29 February 2028 falls inside
    now = start + timedelta(days=100)
    # (199 000 - 99 000) x 266 days / 366 days = 72 677.59… → 72 678
    assert prorated_difference(99_000, 199_000, now, start, end) == 72_678


def test_large_amounts_are_exact_integers() -> None:
    start = datetime(2026, 1, 31, tzinfo=UTC)
    end = add_month(start)  # 28 February
    now = start + timedelta(seconds=1)
    length = int((end - start).total_seconds())
    difference = 99_999_999
    expected = -((-difference * (length - 1)) // length)
    assert prorated_difference(1, difference + 1, now, start, end) == expected
    assert expected == 99_999_958  # 99 999 999 x (1 - 1/2 419 200) = 99 999 957.66… ↑
