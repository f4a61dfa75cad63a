"""The creator's monthly figures, computed by the payments worker from the history and ledger."""
