"""What applying one webhook event did, for the job's log line and for tests reading it."""

from __future__ import annotations

from enum import StrEnum


class Outcome(StrEnum):
    APPLIED = "applied"  # state moved forward
    STALE = "stale"  # older than what we know (Mux does not deliver in order): nothing changed
    UNKNOWN = "unknown"  # no upload, asset or live stream of ours: stored and ignored
    IGNORED = "ignored"  # a type we do not act on
    UNREADABLE = "unreadable"  # signed by Mux but not shaped as documented: kept for a person
