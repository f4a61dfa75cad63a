"""Notification preferences: per category and channel, over the catalogue in
:mod:`pickey_core.notification_categories`."""
