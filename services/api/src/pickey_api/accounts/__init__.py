"""Accounts: sign-up now; log-in, sessions, password reset and GDPR arrive with issue #3."""
