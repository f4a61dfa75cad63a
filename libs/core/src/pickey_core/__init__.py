"""pickey_core."""
