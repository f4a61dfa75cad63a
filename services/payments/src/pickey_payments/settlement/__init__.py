"""Settling a payment: one idempotent, forward-only path for every way an outcome arrives (the
browser return, a status question, a renewal charge's answer)."""
