"""Accounts: sign-up, the current user, password policy, GDPR export and deletion."""
