"""Receipts: the fan's simplified tax document (§29 of the Czech VAT Act) for a paid payment."""
