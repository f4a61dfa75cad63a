"""Creators' payout notices."""
