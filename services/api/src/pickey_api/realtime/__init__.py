"""Pusher channel authorization for the web app's realtime subscriptions."""
