"""Cursors round-trip, anything else is a clean 400, and the keyset predicate follows the order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from pickey_core.models import Payment
from pickey_core.pagination import (
    InvalidCursor,
    after_key,
    decode_cursor,
    encode_cursor,
    page_of,
)

# Fixed, so parallel test workers collect the same test ids.
FIXED_ID = uuid.UUID("6f1c1d5e-2b1a-4f55-9a57-0d6c6c1d2a10")


def test_cursor_round_trips_a_sort_key() -> None:
    key = (datetime(2026, 11, 26, 12, 0, tzinfo=UTC), uuid.uuid4())

    assert decode_cursor(encode_cursor(*key), datetime, uuid.UUID) == key


@pytest.mark.parametrize(
    "cursor",
    [
        "",
        "not base64 !!",
        "bm90IGpzb24",  # "not json"
        encode_cursor(FIXED_ID),  # wrong length
        encode_cursor(FIXED_ID, datetime(2026, 1, 1, tzinfo=UTC)),  # wrong order
        encode_cursor("2026-01-01", FIXED_ID),  # string where a datetime belongs
    ],
    ids=["empty", "not-base64", "not-json", "short", "swapped", "string-for-datetime"],
)
def test_bad_cursors_are_invalid_cursor_errors(cursor: str) -> None:
    with pytest.raises(InvalidCursor) as raised:
        decode_cursor(cursor, datetime, uuid.UUID)
    assert raised.value.status_code == 400


def test_page_of_uses_the_extra_row_only_to_know_there_is_more() -> None:
    rows = [(n, f"item-{n}") for n in range(6)]

    page = page_of(rows, 5, key=lambda row: (row[0],))
    last = page_of(rows[:5], 5, key=lambda row: (row[0],))

    assert [r[0] for r in page.items] == [0, 1, 2, 3, 4]
    assert page.next_cursor is not None
    assert decode_cursor(page.next_cursor, int) == (4,)
    assert last.next_cursor is None


@pytest.mark.parametrize(("descending", "operator"), [(True, "<"), (False, ">")])
def test_after_key_compares_the_row_value_in_the_direction_of_the_order(
    descending: bool, operator: str
) -> None:
    key = (datetime(2026, 1, 1, tzinfo=UTC), FIXED_ID)

    predicate = after_key((Payment.created_at, Payment.id), key, descending=descending)

    assert str(predicate) == (f"(payments.created_at, payments.id) {operator} (:param_1, :param_2)")
    assert list(predicate.compile().params.values()) == list(key)
