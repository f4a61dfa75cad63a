"""``POST /api/v1/realtime/auth``: Pusher channel authorization for the logged-in user.

The Pusher JS client posts ``socket_id`` and ``channel_name`` form-encoded by default, so this
route accepts that as well as JSON. That is why its router is mounted beside the JSON-only
``/api/v1`` router (whose ``require_json`` would refuse a form) rather than inside it. Like every
write with a session it needs the ``X-CSRF-Token`` header: the web app sets it in the Pusher
client's ``channelAuthorization.headers``.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, Request
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from pickey_api.realtime import service
from pickey_api.realtime.schemas import ChannelAuth, ChannelAuthRequest
from pickey_api.settings import SettingsDep
from pickey_core.errors import (
    NotAuthenticated,
    NotPermitted,
    UnsupportedMediaType,
    error_responses,
)
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep
from pickey_core.providers.pusher import PusherConfig

router = APIRouter(prefix="/api/v1/realtime", tags=["realtime"])

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
_SCHEMA = ChannelAuthRequest.model_json_schema()


async def get_pusher(settings: SettingsDep) -> PusherConfig:
    return settings.pusher


async def auth_request(request: Request) -> ChannelAuthRequest:
    """The body as JSON or as a form, validated by the same model either way."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in (FORM, JSON):
        raise UnsupportedMediaType(
            f"Send socket_id and channel_name as {FORM} or {JSON}.", code="form_or_json_required"
        )
    raw = await request.body()
    try:
        if media_type == JSON:
            return ChannelAuthRequest.model_validate_json(raw)
        return ChannelAuthRequest.model_validate(_form_fields(raw))
    except ValidationError as error:
        raise RequestValidationError(
            [
                {**item, "loc": ("body", *item["loc"])}
                for item in error.errors(
                    include_url=False, include_context=False, include_input=False
                )
            ]
        ) from error


def _form_fields(raw: bytes) -> dict[str, str] | None:
    """The form's fields; None (refused by validation) for a body that is not a form of
    distinct UTF-8 fields."""
    try:
        pairs = parse_qsl(raw.decode("utf-8"), keep_blank_values=True, errors="strict")
    except (UnicodeDecodeError, ValueError):
        return None
    fields = dict(pairs)
    return fields if len(fields) == len(pairs) else None


@router.post(
    "/auth",
    response_model=ChannelAuth,
    response_model_exclude_none=True,
    responses=error_responses(
        NotAuthenticated, NotPermitted, service.ChannelNotPermitted, UnsupportedMediaType
    ),
    summary="Authorize a Pusher private or presence channel subscription",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {FORM: {"schema": _SCHEMA}, JSON: {"schema": _SCHEMA}},
        }
    },
)
async def authorize_channel(
    user: CurrentUser,
    data: Annotated[ChannelAuthRequest, Depends(auth_request)],
    session: SessionDep,
    pusher: Annotated[PusherConfig, Depends(get_pusher)],
) -> ChannelAuth:
    return await service.authorize(session, user, pusher, data)
