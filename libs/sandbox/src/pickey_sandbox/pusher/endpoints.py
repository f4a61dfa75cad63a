"""The fake Pusher's HTTP surface: the events API Pickey calls, plus ``/sandbox/pusher/...`` for
developers and tests (the published events, counters, fault injection).

Checks run in Pusher's order: the app (404), the request signature (401), then any injected
failure, then the body (400, 413). A refused call publishes nothing.
"""

from __future__ import annotations

import math
import time
from datetime import UTC, datetime

from fastapi import APIRouter, Query, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse

from pickey_sandbox.config import SandboxConfig
from pickey_sandbox.pusher.page import EVENTS_PATH, PAGE_PATH, render_page
from pickey_sandbox.pusher.requests import BadRequest, batch_events, parse_json, trigger_events
from pickey_sandbox.pusher.signature import AuthenticationFailed, authenticate
from pickey_sandbox.pusher.store import FaultPlan, PublishedEvent, PusherStore, Stats

FAULTS_PATH = f"{PAGE_PATH}/faults"
STATS_PATH = f"{PAGE_PATH}/stats"


def create_router(config: SandboxConfig) -> APIRouter:
    store = PusherStore(config.pusher_max_events)
    router = APIRouter(tags=["Pusher"])

    async def publish(app_id: str, request: Request, endpoint: str) -> Response:
        if app_id != config.pusher_app_id:
            store.refuse()
            return PlainTextResponse("Unknown app", status_code=404)
        body = await request.body()
        try:
            authenticate(
                key=config.pusher_key,
                secret=config.pusher_secret.get_secret_value(),
                method=request.method,
                path=request.url.path,
                query=dict(request.query_params),
                body=body,
                now=time.time(),
            )
        except AuthenticationFailed as error:
            store.refuse()
            return PlainTextResponse(str(error), status_code=401)
        failure = store.take_failure()
        if failure is not None:
            store.refuse()
            return _failure_response(failure)
        try:
            parsed = parse_json(body)
            events = batch_events(parsed) if endpoint == "batch" else trigger_events(parsed)
        except BadRequest as error:
            store.refuse()
            return PlainTextResponse(error.message, status_code=error.status_code)
        store.publish(events, datetime.now(UTC))
        return JSONResponse({"batch": [{} for _ in events]} if endpoint == "batch" else {})

    @router.post("/apps/{app_id}/events", summary="Trigger an event on channels (Pusher API)")
    async def trigger(app_id: str, request: Request) -> Response:
        return await publish(app_id, request, "events")

    @router.post("/apps/{app_id}/batch_events", summary="Trigger a batch of events (Pusher API)")
    async def trigger_batch(app_id: str, request: Request) -> Response:
        return await publish(app_id, request, "batch")

    @router.get(PAGE_PATH, response_class=HTMLResponse, summary="Published events, for people")
    def page() -> HTMLResponse:
        return HTMLResponse(render_page(store.events(), store.stats(), config.pusher_app_id))

    @router.get(EVENTS_PATH, response_model=list[PublishedEvent], summary="Published events")
    def list_events(
        channel: str | None = Query(default=None, description="Only events on this channel."),
        name: str | None = Query(default=None, description="Only events with this name."),
    ) -> list[PublishedEvent]:
        return store.events(channel, name)

    @router.delete(EVENTS_PATH, status_code=204, summary="Forget events, counters and faults")
    def clear() -> Response:
        store.clear()
        return Response(status_code=204)

    @router.get(STATS_PATH, response_model=Stats, summary="Calls and events since the last clear")
    def stats() -> Stats:
        return store.stats()

    @router.get(FAULTS_PATH, response_model=FaultPlan)
    def get_faults() -> FaultPlan:
        return store.faults

    @router.post(FAULTS_PATH, response_model=FaultPlan, summary="Make the next calls fail")
    def set_faults(plan: FaultPlan) -> FaultPlan:
        store.set_faults(plan)
        return plan

    @router.delete(FAULTS_PATH, status_code=204)
    def clear_faults() -> Response:
        store.set_faults(FaultPlan())
        return Response(status_code=204)

    return router


def _failure_response(plan: FaultPlan) -> Response:
    if plan.status == 403:
        return PlainTextResponse("Over quota: message limit reached", status_code=403)
    if plan.status == 429:
        headers = (
            {"Retry-After": str(math.ceil(plan.retry_after_seconds))}
            if plan.retry_after_seconds is not None
            else None
        )
        return PlainTextResponse("Too many requests", status_code=429, headers=headers)
    return PlainTextResponse("Internal server error", status_code=plan.status)
