"""Mailgun's events API, as far as senders use it to learn what happened to a call:
``GET /v3/{domain}/events`` with ``event``, ``user-variables`` (a JSON object every listed
variable must match), ``begin``/``end`` (epoch seconds or RFC 2822), ``ascending``, ``limit``
(≤ 300), answered ``{"items": [...], "paging": {"next", "previous", "first", "last"}}``.

Each accepted send becomes one ``accepted`` event per recipient (batch sending included), with
the call's ``v:`` variables as ``user-variables`` and the message id without angle brackets.
Paging follows Mailgun's style: ``paging.next`` is a URL ``/v3/{domain}/events/{page}`` that
always exists; a page with no items is the end. Other event types are not stored here.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from pickey_sandbox.mailgun.store import MailgunStore, StoredMessage

MAX_LIMIT = 300
DEFAULT_LIMIT = 100


class BadQuery(ValueError):
    pass


def _moment(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError) as error:
        raise BadQuery(f"Invalid time: {value}") from error


def _accepted_events(message: StoredMessage) -> list[dict[str, Any]]:
    at = message.received_at.timestamp()
    return [
        {
            "event": "accepted",
            "id": f"{message.id.strip('<>')}-{index}",
            "timestamp": at,
            "recipient": delivery.recipient,
            "user-variables": dict(message.variables),
            "tags": list(message.tags),
            "message": {"headers": {"message-id": message.id.strip("<>")}},
        }
        for index, delivery in enumerate(message.deliveries)
    ]


def _query(params: dict[str, str]) -> dict[str, Any]:
    """The filters of one query, validated (what a page token carries along)."""
    event = params.get("event")
    if event is not None and event != "accepted":
        return {"none": True}
    wanted: dict[str, Any] = {}
    if "user-variables" in params:
        try:
            wanted = json.loads(params["user-variables"])
        except ValueError as error:
            raise BadQuery("user-variables must be a JSON object") from error
        if not isinstance(wanted, dict):
            raise BadQuery("user-variables must be a JSON object")
    limit = int(params.get("limit", DEFAULT_LIMIT))
    if not 1 <= limit <= MAX_LIMIT:
        raise BadQuery(f"limit must be between 1 and {MAX_LIMIT}")
    return {
        "user_variables": wanted,
        "begin": _moment(params["begin"]) if "begin" in params else None,
        "end": _moment(params["end"]) if "end" in params else None,
        "limit": limit,
        "offset": 0,
    }


def _page(store: MailgunStore, domain: str, query: dict[str, Any], base: str) -> dict[str, Any]:
    items: list[dict[str, Any]] = []
    if not query.get("none"):
        for message in store.messages():
            if message.domain.lower() != domain.lower():
                continue
            at = message.received_at.timestamp()
            if query["begin"] is not None and at < query["begin"]:
                continue
            if query["end"] is not None and at > query["end"]:
                continue
            if any(
                str(message.variables.get(name)) != str(value)
                for name, value in query["user_variables"].items()
            ):
                continue
            items += _accepted_events(message)
    offset, limit = query.get("offset", 0), query.get("limit", DEFAULT_LIMIT)
    page = items[offset : offset + limit]
    following = {**query, "offset": offset + len(page)}
    token = base64.urlsafe_b64encode(json.dumps(following).encode()).decode()
    first = base64.urlsafe_b64encode(json.dumps({**query, "offset": 0}).encode()).decode()
    return {
        "items": page,
        "paging": {
            "next": f"{base}/v3/{domain}/events/{token}",
            "first": f"{base}/v3/{domain}/events/{first}",
            "previous": f"{base}/v3/{domain}/events/{first}",
            "last": f"{base}/v3/{domain}/events/{token}",
        },
    }


def add_events_routes(
    router: APIRouter, store: MailgunStore, refuse: Callable[[Request, str], Response | None]
) -> None:
    """``refuse(request, domain)`` answers unauthenticated or unknown-domain calls."""

    def base_url(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    @router.get("/v3/{domain}/events", summary="Query events (Mailgun API; accepted only)")
    def events(domain: str, request: Request) -> Response:
        refused = refuse(request, domain)
        if refused is not None:
            return refused
        try:
            query = _query(dict(request.query_params))
        except (BadQuery, ValueError) as error:
            return JSONResponse({"message": str(error)}, status_code=400)
        return JSONResponse(_page(store, domain, query, base_url(request)))

    @router.get("/v3/{domain}/events/{page}", summary="A further page of an events query")
    def events_page(domain: str, page: str, request: Request) -> Response:
        refused = refuse(request, domain)
        if refused is not None:
            return refused
        try:
            query = json.loads(base64.urlsafe_b64decode(page.encode()))
        except ValueError:
            return JSONResponse({"message": "Invalid page"}, status_code=400)
        if not isinstance(query, dict):
            return JSONResponse({"message": "Invalid page"}, status_code=400)
        return JSONResponse(_page(store, domain, query, base_url(request)))
