"""pickey_media."""
