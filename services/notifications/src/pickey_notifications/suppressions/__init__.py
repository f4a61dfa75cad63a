"""Addresses that bounced for good or complained: they get no more non-transactional email."""
