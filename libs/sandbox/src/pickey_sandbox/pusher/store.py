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

from pickey_sandbox import faults


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


class FaultPlan(faults.FaultPlan):
    """How the next accepted calls should fail."""

    status: Literal[403, 429, 500, 503] = Field(
        default=503, description="Status of the failing calls (403: over quota)."
    )


class PusherStore:
    def __init__(self, max_events: int) -> None:
        self._lock = threading.Lock()
        self._events: deque[PublishedEvent] = deque(maxlen=max_events)
        self._faults = faults.Faults(FaultPlan)
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
            self._faults.clear()
            self._calls = self._published = self._refused = 0

    @property
    def faults(self) -> FaultPlan:
        return self._faults.plan

    def set_faults(self, plan: FaultPlan) -> None:
        self._faults.set(plan)

    def take_failure(self) -> FaultPlan | None:
        """Use up one planned failure: the plan to answer with, or None if this call succeeds."""
        return self._faults.take_failure()
