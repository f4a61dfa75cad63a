"""Membership tiers: what a creator offers for a monthly price, managed by the creator only."""
