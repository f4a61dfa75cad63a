"""Gap-free document numbers: receipts (``R2026-000123``), self-billing invoices
(``SB2026-000045``).

Czech tax documents must be numbered in an unbroken series. A sequence would leave gaps on
rollback, so the counter is a row per series and year, incremented with an upsert that keeps
the row locked until the caller's transaction ends: a rollback gives the number back, and two
transactions asking at once are served one after the other (the second waits for the first's
commit). Call it as late as possible in a transaction to keep that lock short.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

RECEIPT_SERIES = "R"
SELF_BILLING_SERIES = "SB"

_NEXT = text(
    """
    INSERT INTO document_series (series, year, next_number) VALUES (:series, :year, 2)
    ON CONFLICT (series, year) DO UPDATE SET next_number = document_series.next_number + 1
    RETURNING next_number - 1
    """
)


_RESERVE = text(
    """
    INSERT INTO document_series (series, year, next_number) VALUES (:series, :year, :count + 1)
    ON CONFLICT (series, year) DO UPDATE SET next_number = document_series.next_number + :count
    RETURNING next_number - :count
    """
)


def format_document_number(series: str, year: int, number: int) -> str:
    return f"{series}{year}-{number:06d}"


def _check(series: str) -> None:
    if not series.isalpha() or not series.isupper() or len(series) > 8:
        raise ValueError(f"a document series is up to 8 capital letters, not {series!r}")


async def next_document_number(session: AsyncSession, series: str, year: int) -> str:
    """The next number of ``series`` in ``year``, e.g. ``R2026-000001`` for the first receipt."""
    _check(series)
    number = int((await session.execute(_NEXT, {"series": series, "year": year})).scalar_one())
    return format_document_number(series, year, number)


async def reserve_document_numbers(
    session: AsyncSession, series: str, year: int, count: int
) -> int:
    """Take ``count`` consecutive numbers of ``series`` at once (a payout run numbers all its
    statements in one statement); returns the first. Same locking as one number."""
    _check(series)
    if count <= 0:
        raise ValueError("reserve at least one number")
    params = {"series": series, "year": year, "count": count}
    return int((await session.execute(_RESERVE, params)).scalar_one())
