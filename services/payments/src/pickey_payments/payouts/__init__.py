"""Monthly payouts: one run per period, bank payment orders, statements, operator actions."""
