"""What the fake Pusher remembers: published events, call counters and the planned faults.

One lock guards everything (async handlers and the thread pool of plain ``def`` routes share
the store); readers get immutable snapshots. Nothing is persisted.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class PublishedEvent(BaseModel):
    """One event as one channel's subscribers receive it (a trigger on 3 channels makes 3)."""

    model_config = ConfigDict(frozen=True)

    channel: str
    name: str
    data: str
    socket_id: str | None = Field(description="The excluded sender's socket, if one was given.")
    call: int = Field(description="Number of the API call that published it (1, 2, ...).")
    received_at: datetime


class Stats(BaseModel):
    """Counters since the last clear; they keep counting when old events are forgotten."""

    calls: int = Field(description="Accepted API calls (events and batch_events).")
    events: int = Field(description="Events published, one per channel.")
    refused: int = Field(description="Calls answered with an error.")


class FaultPlan(BaseModel):
    """How the next accepted calls should fail. Posted by tests; replaces the current plan."""

    # Strict: a test control must say exactly what it means ("1" is not a number here).
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    fail_next: int = Field(default=0, ge=0, description="How many calls fail.")
    status: Literal[403, 429, 500, 503] = Field(
        default=503, description="Status of the failing calls (403: over quota)."
    )
    retry_after_seconds: int | None = Field(
        default=None, ge=0, description="For 429: a Retry-After header."
    )


class PusherStore:
    def __init__(self, max_events: int) -> None:
        self._lock = threading.Lock()
        self._events: deque[PublishedEvent] = deque(maxlen=max_events)
        self._faults = FaultPlan()
        self._calls = 0
        self._published = 0
        self._refused = 0

    def publish(self, events: list[tuple[str, str, str, str | None]], now: datetime) -> int:
        """Store ``(channel, name, data, socket_id)`` events as one call; returns its number."""
        with self._lock:
            self._calls += 1
            self._published += len(events)
            for channel, name, data, socket_id in events:
                self._events.append(
                    PublishedEvent(
                        channel=channel,
                        name=name,
                        data=data,
                        socket_id=socket_id,
                        call=self._calls,
                        received_at=now,
                    )
                )
            return self._calls

    def refuse(self) -> None:
        with self._lock:
            self._refused += 1

    def events(self, channel: str | None = None, name: str | None = None) -> list[PublishedEvent]:
        with self._lock:
            snapshot = list(self._events)
        if channel is not None:
            snapshot = [event for event in snapshot if event.channel == channel]
        if name is not None:
            snapshot = [event for event in snapshot if event.name == name]
        return snapshot

    def stats(self) -> Stats:
        with self._lock:
            return Stats(calls=self._calls, events=self._published, refused=self._refused)

    def clear(self) -> None:
        with self._lock:
            self._events.clear()
            self._faults = FaultPlan()
            self._calls = self._published = self._refused = 0

    @property
    def faults(self) -> FaultPlan:
        with self._lock:
            return self._faults

    def set_faults(self, plan: FaultPlan) -> None:
        with self._lock:
            self._faults = plan

    def take_failure(self) -> FaultPlan | None:
        with self._lock:
            if self._faults.fail_next == 0:
                return None
            used = self._faults
            self._faults = used.model_copy(update={"fail_next": used.fail_next - 1})
            return used
