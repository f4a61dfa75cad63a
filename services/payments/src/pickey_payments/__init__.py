"""pickey_payments."""
