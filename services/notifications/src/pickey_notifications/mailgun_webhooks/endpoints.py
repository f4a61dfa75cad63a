"""``POST /webhooks/mailgun``: Mailgun's event webhooks (bounces, complaints, unsubscribes).

Point every webhook of the sending domain here (Mailgun → Sending → Webhooks, or its domains
API); see the README. The body is Mailgun's JSON; the signature is checked before anything is
stored, and the event is applied by a job.
"""

from __future__ import annotations

import json

from fastapi import APIRouter, Depends, Request

from pickey_core.errors import UnsupportedMediaType, error_responses
from pickey_core.http.content_type import require_json
from pickey_core.http.dependencies import SessionDep
from pickey_notifications.dependencies import NotificationsSettingsDep
from pickey_notifications.mailgun_webhooks import service
from pickey_notifications.mailgun_webhooks.schemas import WebhookAccepted

router = APIRouter(prefix="/webhooks", tags=["webhooks"], dependencies=[Depends(require_json)])


@router.post(
    "/mailgun",
    response_model=WebhookAccepted,
    responses=error_responses(
        service.InvalidWebhook,
        service.WebhookSignatureInvalid,
        service.WebhookStale,
        service.WebhookReplayed,
        UnsupportedMediaType,
    ),
    summary="Receive a Mailgun event (signed; each token accepted once)",
    # The body is read raw (the signature covers it), so FastAPI cannot describe it; this is
    # what Mailgun sends, so that an empty or non-JSON body is documented as invalid input.
    openapi_extra={"requestBody": {"required": True, "content": {"application/json": {
        "schema": {
            "type": "object",
            "required": ["signature", "event-data"],
            "properties": {
                "signature": {
                    "type": "object",
                    "required": ["timestamp", "token", "signature"],
                    "properties": {
                        "timestamp": {"type": "string"},
                        "token": {"type": "string"},
                        "signature": {"type": "string"},
                    },
                },
                "event-data": {"type": "object"},
            },
        }
    }}}},
)  # fmt: skip
async def mailgun_webhook(
    request: Request, session: SessionDep, settings: NotificationsSettingsDep
) -> WebhookAccepted:
    try:
        body = json.loads(await request.body())
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise service.invalid("The body is not JSON.") from error
    await service.accept(session, settings.mailgun_webhook, service.parse(body))
    return WebhookAccepted()
