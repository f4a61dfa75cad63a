"""Likes: one per reader and post, set and removed idempotently."""
