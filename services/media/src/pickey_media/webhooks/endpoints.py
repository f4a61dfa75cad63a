"""``POST /webhooks/mux``: a thin route over :mod:`pickey_media.webhooks.service`.

The body is read raw (the signature covers its exact bytes), never through a pydantic body
parameter. New events are answered 202 (stored, applied later by the media worker); a delivery of
an event already stored is answered 200 and changes nothing.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from pickey_core.errors import error_responses
from pickey_core.http.dependencies import SessionDep
from pickey_core.providers.mux_webhooks import SIGNATURE_HEADER
from pickey_media.dependencies import MediaSettingsDep
from pickey_media.webhooks import service
from pickey_media.webhooks.schemas import WebhookReceipt

router = APIRouter(tags=["webhooks"])


@router.post(
    "/webhooks/mux",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=WebhookReceipt,
    responses={
        200: {"model": WebhookReceipt, "description": "A duplicate: stored before, ignored."},
        **error_responses(*service.SIGNATURE_ERRORS, service.InvalidEvent),
    },
    summary="Mux webhook events (signed with Mux-Signature)",
)
async def receive_mux_event(
    request: Request, response: Response, session: SessionDep, settings: MediaSettingsDep
) -> WebhookReceipt:
    received = service.verified_event(
        await request.body(), request.headers.get(SIGNATURE_HEADER), settings.mux_webhook
    )
    if not await service.store(session, received):
        response.status_code = status.HTTP_200_OK
        return WebhookReceipt(duplicate=True)
    return WebhookReceipt(duplicate=False)
