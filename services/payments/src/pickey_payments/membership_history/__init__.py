"""The append-only membership history: one writer, :func:`record`."""

from pickey_payments.membership_history.service import monthly_of, record

__all__ = ["monthly_of", "record"]
