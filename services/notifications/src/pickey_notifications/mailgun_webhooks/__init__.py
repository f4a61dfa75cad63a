"""Mailgun's webhooks: ``POST /webhooks/mailgun`` verifies, stores and answers; a job applies
the event (suppress an address, turn email off)."""
