"""The fake Mux's webhooks: every state change is POSTed to the configured URL, signed as Mux signs.

Signing (Mux's documented scheme, implemented here from the wire facts, not from Pickey's code):
``Mux-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``, with one ``v1``
per configured secret (Mux sends several while it rolls keys). The timestamp is taken at each
attempt, so a retry carries a fresh signature over the same body.

Delivery: one sender task sends events in the order they happened. A non-2xx answer or a
failed connection is retried after each delay of ``retry_delays_seconds`` in turn (Mux keeps
trying for 24 hours with growing delays; tests compress the schedule), then given up. Tests can
ask for trouble: ``duplicates`` sends every delivered event that many more times (Mux may
duplicate even after a 2xx), and ``hold`` keeps events back until :meth:`WebhookSender.release`
sends them in the order the test asks for (Mux does not guarantee order).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

import httpx
from pydantic import BaseModel, ConfigDict, Field

SIGNATURE_HEADER = "Mux-Signature"
MAX_DELIVERIES = 1_000


class WebhookPlan(BaseModel):
    """Where and how events are delivered. Tests post a whole plan; it replaces the current one
    until the sandbox state is cleared (then the process's configured defaults come back)."""

    # Strict: a test control must say exactly what it means ("1" is not a number here).
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    url: str | None = Field(default=None, description="Receiver; empty sends nothing.")
    secrets: list[str] = Field(min_length=1, description="Signing secrets; one v1 per secret.")
    retry_delays_seconds: list[float] = Field(
        default_factory=list, description="Waits before the 2nd, 3rd... attempt of one event."
    )
    duplicates: int = Field(
        default=0, ge=0, le=20, description="Extra copies of every delivered event."
    )
    hold: bool = Field(default=False, description="Keep events back until released.")
    timeout_seconds: float = Field(default=10, gt=0, le=60)


class Attempt(BaseModel):
    at: datetime
    status_code: int | None = None
    error: str | None = None


class Delivery(BaseModel):
    """One event and what happened to each of its attempts (duplicates included)."""

    event_id: str
    type: str
    object_id: str
    state: Literal["held", "sending", "delivered", "gave_up", "not_sent"] = "sending"
    attempts: list[Attempt] = Field(default_factory=list)


def sign(secret: str, timestamp: str, body: bytes) -> str:
    return hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


def signature_header(secrets: list[str], body: bytes, now: float | None = None) -> str:
    timestamp = str(int(time.time() if now is None else now))
    return ",".join([f"t={timestamp}", *(f"v1={sign(s, timestamp, body)}" for s in secrets)])


def envelope(event_type: str, object_type: str, data: dict[str, Any]) -> dict[str, Any]:
    """An event as Mux sends it: ``{type, id, created_at, object, environment, data}``."""
    return {
        "type": event_type,
        "id": str(uuid.uuid4()),
        "created_at": datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        "object": {"type": object_type, "id": data.get("id")},
        "environment": {"name": "Sandbox", "id": "sandbox"},
        "data": data,
    }


@dataclass
class _Outgoing:
    event: dict[str, Any]
    body: bytes
    delivery: Delivery
    generation: int
    tries: int = 0
    copies_left: int = 0
    # A duplicate sent after the event was delivered: its fate does not change the delivery's.
    extra: bool = False


class WebhookSender:
    """Queues, signs, sends and retries events; lives as long as the sandbox app."""

    def __init__(self, defaults: WebhookPlan) -> None:
        self._defaults = defaults
        self._plan = defaults
        self._generation = 0
        self._deliveries: list[Delivery] = []
        self._held: list[_Outgoing] = []
        self._queue: asyncio.Queue[_Outgoing] | None = None
        self._task: asyncio.Task[None] | None = None
        self._timers: set[asyncio.TimerHandle] = set()
        self._http: httpx.AsyncClient | None = None

    @property
    def plan(self) -> WebhookPlan:
        return self._plan

    def set_plan(self, plan: WebhookPlan) -> None:
        self._plan = plan

    def reset(self) -> None:
        """Back to the configured defaults; pending and held events are dropped, not sent."""
        self._generation += 1
        self._plan = self._defaults
        self._held.clear()
        self._deliveries.clear()
        for timer in self._timers:
            timer.cancel()
        self._timers.clear()

    def deliveries(self) -> list[Delivery]:
        return [delivery.model_copy(deep=True) for delivery in self._deliveries]

    def emit(self, event_type: str, object_type: str, data: dict[str, Any]) -> dict[str, Any]:
        """Record an event and send it (or hold it back); returns the event."""
        event = envelope(event_type, object_type, data)
        delivery = Delivery(event_id=event["id"], type=event_type, object_id=str(data.get("id")))
        self._deliveries.append(delivery)
        del self._deliveries[:-MAX_DELIVERIES]
        outgoing = _Outgoing(
            event=event,
            body=json.dumps(event, separators=(",", ":")).encode(),
            delivery=delivery,
            generation=self._generation,
            copies_left=self._plan.duplicates,
        )
        if not self._plan.url:
            delivery.state = "not_sent"
        elif self._plan.hold:
            delivery.state = "held"
            self._held.append(outgoing)
        else:
            self._enqueue(outgoing)
        return event

    async def release(self, order: Literal["as_emitted", "reverse"]) -> list[Delivery]:
        """Send every held event now, one after the other, in ``order``; retries and duplicates
        follow the plan. Returns the deliveries as they stand after the first attempts."""
        held, self._held = self._held, []
        if order == "reverse":
            held.reverse()
        for outgoing in held:
            outgoing.delivery.state = "sending"
            await self._attempt(outgoing)
        return [outgoing.delivery.model_copy(deep=True) for outgoing in held]

    # --- sending --------------------------------------------------------------------------

    def _enqueue(self, outgoing: _Outgoing) -> None:
        if self._queue is None:
            self._queue = asyncio.Queue()
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run(self._queue))
        self._queue.put_nowait(outgoing)

    async def _run(self, queue: asyncio.Queue[_Outgoing]) -> None:
        while True:
            await self._attempt(await queue.get())

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
        if self._http is not None:
            await self._http.aclose()

    async def _attempt(self, outgoing: _Outgoing) -> None:
        """One POST of one event; schedules what comes next (a retry or a duplicate)."""
        plan = self._plan
        if outgoing.generation != self._generation or not plan.url:
            return
        outgoing.tries += 1
        attempt = Attempt(at=datetime.now(UTC))
        headers = {
            "Content-Type": "application/json",
            SIGNATURE_HEADER: signature_header(plan.secrets, outgoing.body),
        }
        if self._http is None:
            self._http = httpx.AsyncClient()
        try:
            response = await self._http.post(
                plan.url, content=outgoing.body, headers=headers, timeout=plan.timeout_seconds
            )
            attempt.status_code = response.status_code
            delivered = response.is_success
        except httpx.HTTPError as error:
            attempt.error = type(error).__name__
            delivered = False
        outgoing.delivery.attempts.append(attempt)
        if delivered:
            if outgoing.delivery.state != "delivered" and not outgoing.extra:
                outgoing.delivery.state = "delivered"
            if outgoing.copies_left > 0:
                outgoing.copies_left -= 1
                outgoing.extra = True
                outgoing.tries = 0
                self._enqueue(outgoing)
            return
        retries = plan.retry_delays_seconds
        if outgoing.tries > len(retries):
            if not outgoing.extra:
                outgoing.delivery.state = "gave_up"
            return
        self._later(retries[outgoing.tries - 1], outgoing)

    def _later(self, delay: float, outgoing: _Outgoing) -> None:
        loop = asyncio.get_running_loop()

        def fire() -> None:
            self._timers.discard(timer)
            self._enqueue(outgoing)

        timer = loop.call_later(delay, fire)
        self._timers.add(timer)
