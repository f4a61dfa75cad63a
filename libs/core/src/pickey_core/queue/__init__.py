"""Queues between services: contracts, the outbox (the one enqueue path) and arq workers."""
