"""The append-only membership history: one writer, :func:`record`."""

from pickey_payments.membership_history.service import record

__all__ = ["record"]
