"""Memberships' billing state: what a payment grants, dunning after failed renewals, and the
fan's own controls (cancel at period end, resume, change tier)."""
