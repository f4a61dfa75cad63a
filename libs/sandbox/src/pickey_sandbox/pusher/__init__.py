"""Fake Pusher Channels: the events and batch events API, signed requests checked like Pusher,
an event log to inspect and fault injection."""

from pickey_sandbox.pusher.endpoints import create_router
from pickey_sandbox.pusher.page import PAGE_PATH

TITLE = "Pusher (realtime)"

__all__ = ["PAGE_PATH", "TITLE", "create_router"]
