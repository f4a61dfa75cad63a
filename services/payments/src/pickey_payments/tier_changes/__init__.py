"""Changing tier: an upgrade is charged (prorated) and takes effect now; a downgrade at renewal."""
