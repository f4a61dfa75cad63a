"""Who an announcement reaches, read in keyset chunks: a creator's members (by status) and
followers, ordered by user id on their indexes, never all in memory."""
