"""What every kind of asset shares: finding and locking it, and what follows when it settles."""
