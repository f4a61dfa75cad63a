"""What the fake Mailgun remembers: accepted messages and the faults a test asked for.

The sandbox is one process serving many requests at once (async handlers and, for plain ``def``
routes, a thread pool), so every read and write goes through one lock and hands out immutable
snapshots. Nothing is persisted: restarting the sandbox forgets everything, like a fresh inbox.
"""

from __future__ import annotations

import threading
from collections import deque
from datetime import datetime
from email.utils import parseaddr
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from pickey_sandbox import faults


def bare_address(recipient: str) -> str:
    """``Petr Novák <petr@example.cz>`` → ``petr@example.cz``, lower-cased for comparisons."""
    return parseaddr(recipient)[1].lower()


class Delivery(BaseModel):
    """The copy of a message one recipient receives, as Mailgun would render it for them."""

    model_config = ConfigDict(frozen=True)

    recipient: str = Field(description="The recipient as given in `to`, display name included.")
    to: list[str] = Field(
        description="What this recipient's To header shows: only themselves in batch sending, "
        "every recipient otherwise."
    )
    subject: str | None
    text: str | None
    html: str | None
    headers: dict[str, str] = Field(
        default_factory=dict,
        description="The `h:` headers as this recipient gets them (recipient variables "
        "substituted, e.g. a personal List-Unsubscribe).",
    )


class StoredMessage(BaseModel):
    """One accepted ``POST /v3/{domain}/messages`` call, with the copies it turned into."""

    model_config = ConfigDict(frozen=True)

    id: str = Field(description="Mailgun's message id, angle brackets included.")
    domain: str
    sender: str = Field(serialization_alias="from")
    to: list[str]
    cc: list[str]
    bcc: list[str]
    subject: str | None
    text: str | None
    html: str | None
    template: str | None
    headers: dict[str, str] = Field(description="The `h:` fields, without the prefix.")
    variables: dict[str, str] = Field(description="The `v:` fields, without the prefix.")
    tags: list[str]
    options: dict[str, str] = Field(description="Other `o:` fields, e.g. `tracking`.")
    testmode: bool
    recipient_variables: dict[str, dict[str, Any]] | None
    batch: bool = Field(
        description="True when recipient-variables made Mailgun send each recipient their own "
        "copy; false means every recipient saw the whole list."
    )
    deliveries: list[Delivery]
    received_at: datetime

    def is_for(self, address: str) -> bool:
        """Whether ``address`` (bare, any case) is among the to, cc or bcc recipients."""
        wanted = bare_address(address) or address.strip().lower()
        return any(bare_address(r) == wanted for r in (*self.to, *self.cc, *self.bcc))


class FaultPlan(faults.FaultPlan):
    """How the next send calls should misbehave."""

    status: Literal[400, 420, 429, 500, 503] = Field(
        default=500, description="Status of the failing calls (420 is Mailgun's older limit)."
    )
    retry_after_seconds: float | None = Field(
        default=None, ge=0, description="For 420/429: when to try again (default 1 second)."
    )
    retry_after_header: bool = Field(
        default=True,
        description="For 420/429: send a Retry-After header; false leaves only the body's "
        "'try again after <date>' hint.",
    )
    delay_seconds: float | None = Field(
        default=None,
        ge=0,
        le=300,
        description="Every accepted send waits this long before it is stored and answered, "
        "until the faults are cleared.",
    )


class Stats(BaseModel):
    """Counters since the last clear; they keep counting when old messages are forgotten."""

    received: int = Field(
        description="Valid send calls received, including those still waiting out a delay."
    )
    calls: int = Field(description="Send calls accepted (one batch send is one call).")
    deliveries: int = Field(description="Copies those calls turned into, one per recipient.")


class MailgunStore:
    """Thread-safe in-memory message list plus the current fault plan."""

    def __init__(self, max_messages: int) -> None:
        self._lock = threading.Lock()
        self._messages: deque[StoredMessage] = deque(maxlen=max_messages)
        self._faults = faults.Faults(FaultPlan)
        self._generation = 0
        self._received = 0
        self._calls = 0
        self._deliveries = 0

    @property
    def generation(self) -> int:
        """Changes on every :meth:`clear`; a send started before a clear must not land after it.

        Without this a delayed send from one test could appear in the next test's fresh inbox.
        """
        with self._lock:
            return self._generation

    def note_received(self) -> None:
        """A valid send arrived (it may still wait out a delay before it is accepted): tests
        that kill a client mid-call wait for this, not for the client's own bookkeeping."""
        with self._lock:
            self._received += 1

    def add(self, message: StoredMessage, *, generation: int) -> bool:
        """Store ``message`` unless the store was cleared since ``generation`` was read."""
        with self._lock:
            if generation != self._generation:
                return False
            self._messages.append(message)
            self._calls += 1
            self._deliveries += len(message.deliveries)
            return True

    def stats(self) -> Stats:
        with self._lock:
            return Stats(received=self._received, calls=self._calls, deliveries=self._deliveries)

    def messages(self, to: str | None = None) -> list[StoredMessage]:
        """Oldest first; only those addressed to ``to`` when given."""
        with self._lock:
            snapshot = list(self._messages)
        if to is None:
            return snapshot
        return [message for message in snapshot if message.is_for(to)]

    def get(self, message_id: str) -> StoredMessage | None:
        """Find a message by id, with or without the angle brackets Mailgun puts around it."""
        wanted = message_id.strip().strip("<>")
        with self._lock:
            for message in self._messages:
                if message.id.strip("<>") == wanted:
                    return message
        return None

    def clear(self) -> None:
        """Forget every message and fault, and disown sends still in flight."""
        with self._lock:
            self._messages.clear()
            self._faults.clear()
            self._generation += 1
            self._received = self._calls = self._deliveries = 0

    @property
    def faults(self) -> FaultPlan:
        return self._faults.plan

    def set_faults(self, plan: FaultPlan) -> None:
        self._faults.set(plan)

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def take_failure(self) -> FaultPlan | None:
        """Use up one planned failure: the plan to answer with, or None if this call succeeds."""
        return self._faults.take_failure()
