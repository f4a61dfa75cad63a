"""The fake Mailgun's HTTP surface: the real sending endpoint plus ``/sandbox/mailgun/...`` for
developers and tests (inspect what was sent, inject failures).

Checks run in Mailgun's order: credentials (401 ``Forbidden``), then the domain (404), then any
injected failure, then the form (400). Injected failures therefore hit only calls that would
otherwise have been accepted for sending, which is where rate limits and outages bite.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import math
import secrets
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from pydantic import SecretStr
from starlette.formparsers import MultiPartException

from pickey_sandbox.config import SandboxConfig
from pickey_sandbox.mailgun.events_api import add_events_routes
from pickey_sandbox.mailgun.form import MAX_RECIPIENTS, InvalidMessage, parse_message
from pickey_sandbox.mailgun.page import MESSAGES_PATH, PAGE_PATH, render_page
from pickey_sandbox.mailgun.store import FaultPlan, MailgunStore, Stats, StoredMessage
from pickey_sandbox.mailgun.webhooks import (
    MAX_URLS_PER_WEBHOOK,
    WEBHOOK_IDS,
    EventRequest,
    SentEvent,
    WebhookRegistry,
    event_data,
    send,
    signed_payload,
    webhook_id,
)

FAULTS_PATH = f"{PAGE_PATH}/faults"
STATS_PATH = f"{PAGE_PATH}/stats"
EVENTS_PATH = f"{PAGE_PATH}/events"
MAX_MESSAGE_BYTES = 25 * 1024 * 1024  # Mailgun's limit for a whole message
DEFAULT_RETRY_AFTER_SECONDS = 1.0
# A page of its own origin with scripts off: a sent e-mail's HTML must not run in the sandbox.
HTML_VIEW_HEADERS = {"Content-Security-Policy": "sandbox", "X-Content-Type-Options": "nosniff"}


def create_router(config: SandboxConfig) -> APIRouter:
    """All Mailgun routes, sharing one store that lives as long as the app."""
    store = MailgunStore(config.mailgun_max_messages)
    webhooks = WebhookRegistry()
    router = APIRouter(tags=["Mailgun"])

    @router.post("/v3/{domain}/messages", summary="Send a message (Mailgun API)")
    async def send_message(domain: str, request: Request) -> Response:
        if not _authorized(request, config.mailgun_api_key):
            return PlainTextResponse("Forbidden", status_code=401)
        if domain.lower() not in config.mailgun_domains:
            return _error(404, f"Domain not found: {domain}")
        failure = store.take_failure()
        if failure is not None:
            return _failure_response(failure, domain)
        generation = store.generation
        try:
            form = await request.form(
                max_fields=4 * MAX_RECIPIENTS, max_part_size=MAX_MESSAGE_BYTES
            )
            message = parse_message(domain, form)
        except MultiPartException as error:
            return _error(400, f"Invalid form data: {error.message}")
        except InvalidMessage as error:
            return _error(400, error.message)
        store.note_received()
        delay = store.faults.delay_seconds
        if delay:
            await asyncio.sleep(delay)
        store.add(message, generation=generation)
        return JSONResponse({"id": message.id, "message": "Queued. Thank you."})

    @router.get(PAGE_PATH, response_class=HTMLResponse, summary="Messages page for people")
    def messages_page() -> HTMLResponse:
        return HTMLResponse(render_page(store.messages(), config.mailgun_domains))

    @router.get(
        MESSAGES_PATH,
        response_model=list[StoredMessage],
        summary="Accepted messages, oldest first",
    )
    def list_messages(
        to: str | None = Query(default=None, description="Only messages to this address."),
    ) -> list[StoredMessage]:
        return store.messages(to)

    @router.delete(
        MESSAGES_PATH, status_code=204, summary="Forget all messages, faults and webhooks"
    )
    def clear_messages() -> Response:
        store.clear()
        webhooks.clear()
        return Response(status_code=204)

    @router.get(STATS_PATH, response_model=Stats, summary="Calls and copies since the last clear")
    def stats() -> Stats:
        return store.stats()

    @router.get("/v3/domains/{domain}/webhooks", summary="List webhooks (Mailgun API)")
    def list_webhooks(domain: str, request: Request) -> Response:
        refused = _refuse_domain_call(request, config, domain)
        if refused is not None:
            return refused
        return JSONResponse(
            {"webhooks": {name: {"urls": urls} for name, urls in webhooks.all(domain).items()}}
        )

    @router.post("/v3/domains/{domain}/webhooks", summary="Create a webhook (Mailgun API)")
    async def create_webhook(domain: str, request: Request) -> Response:
        return await _save_webhook(domain, request, None, create=True)

    @router.put("/v3/domains/{domain}/webhooks/{name}", summary="Update a webhook (Mailgun API)")
    async def update_webhook(domain: str, name: str, request: Request) -> Response:
        return await _save_webhook(domain, request, name, create=False)

    @router.delete("/v3/domains/{domain}/webhooks/{name}", summary="Delete a webhook (Mailgun API)")
    def delete_webhook(domain: str, name: str, request: Request) -> Response:
        refused = _refuse_domain_call(request, config, domain)
        if refused is not None:
            return refused
        if not webhooks.delete(domain, name):
            return _error(404, "Webhook not found")
        return JSONResponse({"message": "Webhook has been deleted"})

    async def _save_webhook(
        domain: str, request: Request, name: str | None, *, create: bool
    ) -> Response:
        refused = _refuse_domain_call(request, config, domain)
        if refused is not None:
            return refused
        form = await request.form()
        name = name or str(form.get("id") or "")
        urls = [str(url) for url in form.getlist("url") if str(url).strip()]
        if name not in WEBHOOK_IDS:
            return _error(400, f"Invalid webhook id: {name}")
        if not urls or len(urls) > MAX_URLS_PER_WEBHOOK:
            return _error(400, f"Give 1 to {MAX_URLS_PER_WEBHOOK} url parameters")
        if create and webhooks.get(domain, name):
            return _error(400, f"Webhook with the id {name} already exists")
        if not create and not webhooks.get(domain, name):
            return _error(404, "Webhook not found")
        webhooks.put(domain, name, urls)
        verb = "created" if create else "updated"
        return JSONResponse({"message": f"Webhook has been {verb}", "webhook": {"urls": urls}})

    @router.post(
        EVENTS_PATH,
        response_model=SentEvent,
        summary="Make something happen to a recipient and send the signed webhook",
    )
    async def send_event(event: EventRequest) -> SentEvent | JSONResponse:
        message = store.get(event.message_id)
        if message is None:
            return _error(404, f"Message not found: {event.message_id}")
        if not message.is_for(event.recipient):
            return _error(400, f"{event.recipient} is not a recipient of this message")
        name = webhook_id(event)
        urls = webhooks.get(message.domain, name)
        key = config.mailgun_webhook_signing_key.get_secret_value()
        data = event_data(message, event, time.time())
        attempts = await send(urls, [signed_payload(key, data) for _ in urls])
        return SentEvent(webhook=name, attempts=attempts)

    @router.get(f"{MESSAGES_PATH}/{{message_id}}", response_model=StoredMessage)
    def get_message(message_id: str) -> StoredMessage | JSONResponse:
        return store.get(message_id) or _error(404, f"Message not found: {message_id}")

    @router.get(f"{MESSAGES_PATH}/{{message_id}}/text", response_class=PlainTextResponse)
    def get_message_text(message_id: str) -> Response:
        message = store.get(message_id)
        if message is None or message.text is None:
            return _error(404, f"No text part for message: {message_id}")
        return PlainTextResponse(message.text)

    @router.get(f"{MESSAGES_PATH}/{{message_id}}/html", response_class=HTMLResponse)
    def get_message_html(message_id: str) -> Response:
        message = store.get(message_id)
        if message is None or message.html is None:
            return _error(404, f"No html part for message: {message_id}")
        return HTMLResponse(message.html, headers=HTML_VIEW_HEADERS)

    @router.get(FAULTS_PATH, response_model=FaultPlan, summary="The current fault plan")
    def get_faults() -> FaultPlan:
        return store.faults

    @router.post(FAULTS_PATH, response_model=FaultPlan, summary="Make the next sends fail")
    def set_faults(plan: FaultPlan) -> FaultPlan:
        store.set_faults(plan)
        return plan

    @router.delete(FAULTS_PATH, status_code=204, summary="Stop injecting failures and delays")
    def clear_faults() -> Response:
        store.clear_faults()
        return Response(status_code=204)

    add_events_routes(
        router, store, lambda request, domain: _refuse_domain_call(request, config, domain)
    )
    return router


def _authorized(request: Request, api_key: SecretStr) -> bool:
    """HTTP Basic with user ``api`` and the key, compared in constant time."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    user, separator, password = decoded.partition(":")
    return bool(separator) and secrets.compare_digest(
        f"{user}:{password}".encode(), f"api:{api_key.get_secret_value()}".encode()
    )


def _refuse_domain_call(request: Request, config: SandboxConfig, domain: str) -> Response | None:
    """The answer to a domains API call that fails authentication or names no known domain."""
    if not _authorized(request, config.mailgun_api_key):
        return PlainTextResponse("Forbidden", status_code=401)
    if domain.lower() not in config.mailgun_domains:
        return _error(404, f"Domain not found: {domain}")
    return None


def _error(status_code: int, message: str) -> JSONResponse:
    return JSONResponse({"message": message}, status_code=status_code)


def _failure_response(plan: FaultPlan, domain: str) -> JSONResponse:
    if plan.status in (420, 429):
        return _rate_limited(plan, domain)
    if plan.status == 400:
        return _error(400, "Sandbox fault: this request was refused on purpose")
    return _error(plan.status, "Internal server error")


def _rate_limited(plan: FaultPlan, domain: str) -> JSONResponse:
    """Mailgun's limit answer: the reset time in the body and, when asked, ``Retry-After``."""
    seconds = (
        DEFAULT_RETRY_AFTER_SECONDS
        if plan.retry_after_seconds is None
        else plan.retry_after_seconds
    )
    reset_at = _whole_second_ceiling(datetime.now(UTC) + timedelta(seconds=seconds))
    body = {
        "message": f"Domain {domain} is not allowed to send: rate limit exceeded, "
        f"try again after {_mailgun_date(reset_at)}"
    }
    headers = {"Retry-After": str(math.ceil(seconds))} if plan.retry_after_header else None
    return JSONResponse(body, status_code=plan.status, headers=headers)


def _whole_second_ceiling(moment: datetime) -> datetime:
    """Round up, so a client that waits until the printed time never comes back too early."""
    if moment.microsecond:
        moment += timedelta(seconds=1)
    return moment.replace(microsecond=0)


def _mailgun_date(moment: datetime) -> str:
    """``Mon, 25 Aug 2025 07:00:31 UTC``: an HTTP date, but Mailgun writes UTC instead of GMT."""
    return format_datetime(moment, usegmt=True).removesuffix("GMT") + "UTC"
