"""pickey_notifications."""
