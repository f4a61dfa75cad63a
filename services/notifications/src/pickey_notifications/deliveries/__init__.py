"""The delivery ledger: one row per notification and channel, moved through its states here."""
