"""Accept a Mailgun webhook: verify it, refuse stale and replayed ones, store it in the inbox
and enqueue its processing, in one transaction (flushes, never commits).

Replays are refused by the signature's token: every token is stored durably as the inbox row's
external id (PostgreSQL, unique per provider) — not in Redis, whose data we do not count on
keeping. A token seen before is a replay, whatever the body says. Stale timestamps (further
than ``PICKEY_MAILGUN_WEBHOOK__MAX_AGE_SECONDS`` from our clock) are refused before the token is
looked up, so stored tokens only ever need to outlive that window.

Answers, chosen for how Mailgun reacts to them: 200 stored; 401 signature missing or wrong
(not Mailgun: retried by nobody that matters); 406 stale or replayed (Mailgun treats 406 as
"rejected for good" and stops retrying what is already handled or too old).
"""

from __future__ import annotations

import time
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core import inbox
from pickey_core.errors import BadRequest, NotAuthenticated, PickeyError
from pickey_core.observability.webhooks import webhook_refused
from pickey_core.queue import outbox
from pickey_core.queue.contracts import HandleMailgunEvent
from pickey_notifications.mailgun_webhooks import signature
from pickey_notifications.mailgun_webhooks.schemas import MailgunWebhook
from pickey_notifications.settings import MailgunWebhookConfig

PROVIDER = "mailgun"


class InvalidWebhook(BadRequest):
    code = "invalid_webhook"


class WebhookSignatureInvalid(NotAuthenticated):
    code = "webhook_signature_invalid"


class WebhookRefused(PickeyError):
    """406: Mailgun stops retrying."""

    status_code = 406
    code = "webhook_refused"


class WebhookStale(WebhookRefused):
    code = "webhook_stale"


class WebhookReplayed(WebhookRefused):
    code = "webhook_replayed"


def invalid(message: str) -> InvalidWebhook:
    webhook_refused(PROVIDER, "malformed_body", detail=message)
    return InvalidWebhook(message)


def parse(body: Any) -> MailgunWebhook:
    if not isinstance(body, dict):
        raise invalid("Expected Mailgun's JSON webhook: an object.")
    if not isinstance(body.get("signature"), dict):
        _refuse_signature("signature_missing", "The webhook has no signature.")
    try:
        return MailgunWebhook.model_validate(body)
    except ValidationError as error:
        if any(item["loc"][:1] == ("signature",) for item in error.errors()):
            _refuse_signature("signature_malformed", "The webhook's signature is malformed.")
        raise invalid("The webhook has no event-data object.") from error


def _refuse_signature(reason: str, message: str) -> None:
    webhook_refused(PROVIDER, reason, detail=message, signature_failure=True)
    raise WebhookSignatureInvalid(message)


async def accept(
    session: AsyncSession, config: MailgunWebhookConfig, webhook: MailgunWebhook
) -> None:
    sign = webhook.signature
    if not signature.is_valid(config.signing_key, sign.timestamp, sign.token, sign.signature):
        _refuse_signature("signature_invalid", "The webhook's signature does not verify.")
    if abs(time.time() - int(sign.timestamp)) > config.max_age_seconds:
        message = "The webhook's timestamp is too old (or too far ahead)."
        webhook_refused(PROVIDER, "stale", detail=message, signature_failure=True)
        raise WebhookStale(message)
    event_type = str(webhook.event_data.get("event", "unknown"))[:128]
    stored = await inbox.store(
        session,
        provider=PROVIDER,
        external_id=sign.token,
        event_type=event_type,
        payload=webhook.event_data,
    )
    if stored is None:
        message = "This webhook's token was used before."
        webhook_refused(PROVIDER, "replayed", detail=message, signature_failure=True)
        raise WebhookReplayed(message)
    outbox.enqueue(session, HandleMailgunEvent(inbox_event_id=stored))
