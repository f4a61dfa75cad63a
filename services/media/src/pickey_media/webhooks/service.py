"""Receiving a Mux webhook: verify the signature on the raw body, then store the event once.

Flushes, never commits (the request commits). Nothing is stored for a request that fails any
check; a stored event gets one ``HandleMuxEvent`` job through the outbox, in the same
transaction, so the answer to Mux can go out before anything is applied (Mux gives up waiting
after a few seconds and would send the event again).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core import inbox
from pickey_core.errors import BadRequest, NotAuthenticated
from pickey_core.observability.webhooks import webhook_refused
from pickey_core.providers.mux import PROVIDER
from pickey_core.providers.mux_webhooks import (
    MuxWebhookConfig,
    SignatureProblem,
    WebhookSignatureError,
    verify,
)
from pickey_core.queue.contracts import HandleMuxEvent
from pickey_core.queue.outbox import enqueue
from pickey_core.text import storable
from pickey_media.mux_events.schemas import MuxEvent

logger = structlog.get_logger(__name__)


class SignatureMissing(NotAuthenticated):
    code = "webhook_signature_missing"


class SignatureMalformed(BadRequest):
    code = "webhook_signature_malformed"


class SignatureExpired(NotAuthenticated):
    code = "webhook_signature_expired"


class SignatureInvalid(NotAuthenticated):
    code = "webhook_signature_invalid"


class InvalidEvent(BadRequest):
    code = "invalid_webhook_event"


SIGNATURE_ERRORS = (SignatureMissing, SignatureMalformed, SignatureExpired, SignatureInvalid)
_ERRORS = {
    SignatureProblem.MISSING: SignatureMissing,
    SignatureProblem.MALFORMED: SignatureMalformed,
    SignatureProblem.EXPIRED: SignatureExpired,
    SignatureProblem.MISMATCH: SignatureInvalid,
}


@dataclass(frozen=True)
class ReceivedEvent:
    """A verified event: what we read of it, and the whole document as the inbox keeps it."""

    event: MuxEvent
    document: dict[str, Any]


def verified_event(body: bytes, signature: str | None, config: MuxWebhookConfig) -> ReceivedEvent:
    """The event, if Mux signed exactly these bytes within the tolerance; a 4xx error if not."""
    try:
        verify(signature, body, config)
    except WebhookSignatureError as error:
        webhook_refused(
            PROVIDER,
            f"signature_{error.problem.value}",
            detail=error.message,
            signature_failure=True,
        )
        raise _ERRORS[error.problem](error.message) from error
    try:
        document = json.loads(body, parse_constant=_refuse_constant, parse_float=_finite_float)
        event = MuxEvent.model_validate(document)
        _check_storable(document)
        return ReceivedEvent(event, document)
    except (ValueError, ValidationError, RecursionError) as error:
        # Signed by Mux, yet not an event as documented: refused so Mux keeps it and retries;
        # the log says what is wrong.
        webhook_refused(PROVIDER, "unreadable_event", detail=str(error)[:500])
        raise InvalidEvent(
            "The body is not a Mux event (a JSON object with id, type and created_at)."
        ) from error


async def store(session: AsyncSession, received: ReceivedEvent) -> bool:
    """Store the event and enqueue its processing; False if this event id was stored before."""
    event = received.event
    stored = await inbox.store(
        session,
        provider=PROVIDER,
        external_id=event.id,
        event_type=event.type,
        payload=received.document,
    )
    if stored is None:
        logger.info("duplicate mux webhook ignored", event_id=event.id, type=event.type)
        return False
    enqueue(session, HandleMuxEvent(inbox_event_id=stored))
    logger.info("mux webhook stored", event_id=event.id, type=event.type)
    return True


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number PostgreSQL can store")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError("a number too large to store")
    return value


def _check_storable(document: Any) -> None:
    """Every key and string in the document is text PostgreSQL's JSONB accepts (no NUL, no lone
    surrogate), so storing the event cannot fail after it was accepted."""
    pending = [document]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            storable(item)
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
