"""Reconciliation: ask the gateway about payments whose outcome never reached us."""
