"""pickey_api."""
