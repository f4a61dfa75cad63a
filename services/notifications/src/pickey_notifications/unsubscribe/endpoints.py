"""``/unsubscribe?token=...``: the link in every non-transactional email and its
``List-Unsubscribe`` header. GET shows a confirmation page; POST (the page's button, or a mail
client's RFC 8058 one-click request with ``List-Unsubscribe=One-Click``) turns the category's
email off. No session or CSRF token: the signed token is the whole authority, and all it can do
is stop one kind of email for one person."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse

from pickey_core.errors import error_responses
from pickey_core.http.dependencies import SessionDep
from pickey_core.notification_preferences import PreferenceLocked
from pickey_notifications.dependencies import NotificationsSettingsDep
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.unsubscribe import page, service

router = APIRouter(tags=["unsubscribe"])

Token = Annotated[str, Query(min_length=1, max_length=512, description="The signed token.")]
ERRORS = error_responses(service.InvalidUnsubscribeLink, PreferenceLocked)


def _settings_url(settings: NotificationsSettings) -> str:
    return f"{settings.app_url.rstrip('/')}/settings/notifications"


@router.get(
    "/unsubscribe",
    response_class=HTMLResponse,
    responses=ERRORS,
    summary="The unsubscribe page of an email's link (changes nothing by itself)",
)
async def unsubscribe_page(
    session: SessionDep, settings: NotificationsSettingsDep, token: Token
) -> HTMLResponse:
    found = await service.find(session, settings.unsubscribe.signing_key, token)
    locale = found.user.locale if found.user is not None else "cs"
    # The form posts back to this very URL (relative, so whatever host the link used).
    action = f"?{urlencode({'token': token})}"
    return HTMLResponse(page.ask_page(locale, found.category, action, _settings_url(settings)))


@router.post(
    "/unsubscribe",
    response_class=HTMLResponse,
    responses=ERRORS,
    summary="Turn one email category off (RFC 8058 one-click; idempotent)",
)
async def unsubscribe(
    session: SessionDep, settings: NotificationsSettingsDep, token: Token
) -> HTMLResponse:
    done = await service.unsubscribe(session, settings.unsubscribe.signing_key, token)
    locale = done.user.locale if done.user is not None else "cs"
    return HTMLResponse(page.done_page(locale, done.category, _settings_url(settings)))
