"""The fake Mux's HTTP surface: the Video API under ``/video/v1``, the direct-upload URL a browser
PUTs the file to, and ``/sandbox/mux/...`` for developers and tests (inspect everything, finish
encoding, move live streams through a broadcast, steer webhook delivery, inject failures).

Every state change is also a webhook event (:mod:`pickey_sandbox.mux.webhooks`), as at Mux:
a file arriving (``video.upload.asset_created``, ``video.asset.created``), a cancelled upload,
encoding finishing (``video.asset.ready`` / ``errored``) and each step of a broadcast
(``video.live_stream.*`` plus the recording's asset events).

Every Video API call goes through :class:`MuxApiRoute`, which checks in Mux's order: credentials
(401), then any injected failure, then the request itself; and records the call with the status
it got, so tests can count retries. Injected failures never touch the upload URL (that is
storage, not the API) nor the sandbox's own controls.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import math
import secrets
from collections.abc import Callable, Coroutine
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from pickey_sandbox.config import SandboxConfig
from pickey_sandbox.mux.page import PAGE_PATH, render_page
from pickey_sandbox.mux.requests import json_object, live_stream_request, upload_request
from pickey_sandbox.mux.store import (
    FaultPlan,
    LiveStep,
    MuxApiError,
    MuxStore,
    Snapshot,
)
from pickey_sandbox.mux.webhooks import Delivery, WebhookPlan, WebhookSender

STATE_PATH = f"{PAGE_PATH}/state"
FAULTS_PATH = f"{PAGE_PATH}/faults"
WEBHOOK_PATH = f"{PAGE_PATH}/webhook"
UPLOAD_FILES_PATH = f"{PAGE_PATH}/upload-files"
_UNAUTHORIZED = MuxApiError(401, "unauthorized", "Unauthorized request")

Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class ReadyChanges(BaseModel):
    """What encoding "found" in the file: sent by tests, defaults for the page's button."""

    model_config = ConfigDict(extra="forbid")

    duration: float = Field(default=42.0, gt=0, description="Seconds.")
    aspect_ratio: str = Field(default="16:9", pattern=r"^\d+:\d+$")
    max_stored_resolution: str = "HD"


class ErroredChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    messages: list[str] = Field(default_factory=lambda: ["The file could not be decoded."])


class IdleChanges(BaseModel):
    model_config = ConfigDict(extra="forbid")

    duration: float = Field(default=60.0, gt=0, description="Length of the recording, seconds.")


class Release(BaseModel):
    model_config = ConfigDict(extra="forbid")

    order: Literal["as_emitted", "reverse"] = "as_emitted"


# Webhook events of each live step, besides ``video.live_stream.<step>`` itself: what happens to
# the broadcast's recording at that step.
_RECORDING_EVENTS: dict[str, str] = {
    "connected": "video.asset.created",
    "active": "video.asset.ready",
    "idle": "video.asset.live_stream_completed",
}


def default_webhook_plan(config: SandboxConfig) -> WebhookPlan:
    return WebhookPlan(
        url=config.mux_webhook_url or None,
        secrets=[secret.get_secret_value() for secret in config.mux_webhook_secrets],
        retry_delays_seconds=config.mux_webhook_retry_seconds,
    )


def create_router(config: SandboxConfig) -> APIRouter:
    """All Mux routes, sharing one store that lives as long as the app."""
    store = MuxStore(config.mux_upload_timeout_seconds)
    webhooks = WebhookSender(default_webhook_plan(config))
    api = APIRouter(tags=["Mux"], route_class=_mux_api_route(store, config))
    sandbox = APIRouter(tags=["Mux"], on_shutdown=[webhooks.close])

    @api.post("/video/v1/uploads", summary="Create a direct upload (Mux API)")
    async def create_upload(request: Request) -> Response:
        wanted = upload_request(json_object(await request.body()))
        base = str(request.base_url).rstrip("/")
        upload = store.create_upload(
            url_for=lambda upload_id, signature: (
                f"{base}{UPLOAD_FILES_PATH}/{upload_id}?signature={signature}"
            ),
            cors_origin=wanted.cors_origin,
            new_asset_settings=wanted.new_asset_settings,
            test=wanted.test,
        )
        return _data(upload.api_view(), status_code=201)

    @api.get("/video/v1/uploads/{upload_id}", summary="Get a direct upload (Mux API)")
    def get_upload(upload_id: str) -> Response:
        return _data(store.get_upload(upload_id).api_view())

    @api.put("/video/v1/uploads/{upload_id}/cancel", summary="Cancel a direct upload (Mux API)")
    async def cancel_upload(upload_id: str) -> Response:
        cancelled = store.cancel_upload(upload_id).api_view()
        webhooks.emit("video.upload.cancelled", "upload", cancelled)
        return _data(cancelled)

    @api.get("/video/v1/assets/{asset_id}", summary="Get an asset (Mux API)")
    def get_asset(asset_id: str) -> Response:
        return _data(store.get_asset(asset_id).api_view())

    @api.post("/video/v1/live-streams", summary="Create a live stream (Mux API)")
    async def create_live_stream(request: Request) -> Response:
        wanted = live_stream_request(json_object(await request.body()))
        stream = store.create_live_stream(
            policies=wanted.policies,
            passthrough=wanted.passthrough,
            new_asset_settings=wanted.new_asset_settings,
        )
        return _data(stream.api_view(), status_code=201)

    @api.get("/video/v1/live-streams/{live_stream_id}", summary="Get a live stream (Mux API)")
    def get_live_stream(live_stream_id: str) -> Response:
        return _data(store.get_live_stream(live_stream_id).api_view())

    @api.put(
        "/video/v1/live-streams/{live_stream_id}/disable",
        summary="Disable a live stream (Mux API)",
    )
    def disable_live_stream(live_stream_id: str) -> Response:
        store.disable_live_stream(live_stream_id)
        return _data({})

    @sandbox.put(f"{UPLOAD_FILES_PATH}/{{upload_id}}", summary="The direct-upload URL (storage)")
    async def put_file(upload_id: str, request: Request, signature: str = "") -> Response:
        """Where the browser PUTs the video. Like a signed storage URL: no API credentials, the
        signature in the URL is the permission, and it works once, while the upload waits."""
        upload = store.upload_for_file(upload_id, signature)
        if upload is None:
            return PlainTextResponse("SignatureDoesNotMatch", status_code=403)
        cors = _cors_headers(upload.cors_origin, request)
        if upload.status != "waiting":
            return PlainTextResponse(
                f"This upload is {upload.status}.", status_code=410, headers=cors
            )
        byte_count = 0
        async for chunk in request.stream():
            byte_count += len(chunk)
        try:
            asset = store.receive_file(upload_id, byte_count)
        except MuxApiError as error:  # cancelled while the file was arriving
            return PlainTextResponse(error.messages[0], status_code=410, headers=cors)
        received = store.get_upload(upload_id).api_view()
        webhooks.emit("video.upload.asset_created", "upload", received)
        webhooks.emit("video.asset.created", "asset", asset.api_view())
        if asset.status == "errored":
            webhooks.emit("video.asset.errored", "asset", asset.api_view())
        return Response(status_code=200, headers=cors)

    @sandbox.options(f"{UPLOAD_FILES_PATH}/{{upload_id}}", include_in_schema=False)
    def preflight_file(upload_id: str, request: Request, signature: str = "") -> Response:
        """CORS preflight: browsers ask before a cross-origin PUT."""
        upload = store.upload_for_file(upload_id, signature)
        if upload is None:
            return Response(status_code=403)
        headers = _cors_headers(upload.cors_origin, request)
        if headers:
            headers["Access-Control-Allow-Methods"] = "PUT"
            headers["Access-Control-Allow-Headers"] = "Content-Type, Content-Range"
        return Response(status_code=200, headers=headers)

    @sandbox.get(PAGE_PATH, response_class=HTMLResponse, summary="Mux page for people")
    def page() -> HTMLResponse:
        return HTMLResponse(render_page(store.snapshot(), webhooks.plan, webhooks.deliveries()))

    @sandbox.get(STATE_PATH, response_model=Snapshot, summary="Everything the fake Mux holds")
    def state() -> Snapshot:
        return store.snapshot()

    @sandbox.delete(
        STATE_PATH, status_code=204, summary="Forget everything: faults, webhook plan and events"
    )
    async def clear_state() -> Response:
        store.clear()
        webhooks.reset()
        return Response(status_code=204)

    @sandbox.post(f"{PAGE_PATH}/assets/{{asset_id}}/ready", summary="Finish encoding: ready")
    async def mark_ready(
        asset_id: str, request: Request, changes: ReadyChanges | None = None
    ) -> Response:
        values = (changes or ReadyChanges()).model_dump()
        try:
            asset = store.finish_asset(asset_id, {"status": "ready", "errors": None, **values})
        except MuxApiError as error:
            return _error(error)
        webhooks.emit("video.asset.ready", "asset", asset.api_view())
        return _control_answer(request, asset.api_view())

    @sandbox.post(f"{PAGE_PATH}/assets/{{asset_id}}/errored", summary="Finish encoding: errored")
    async def mark_errored(
        asset_id: str, request: Request, changes: ErroredChanges | None = None
    ) -> Response:
        messages = (changes or ErroredChanges()).messages
        errors = {"type": "invalid_input", "messages": messages}
        try:
            asset = store.finish_asset(asset_id, {"status": "errored", "errors": errors})
        except MuxApiError as error:
            return _error(error)
        webhooks.emit("video.asset.errored", "asset", asset.api_view())
        return _control_answer(request, asset.api_view())

    @sandbox.post(
        f"{PAGE_PATH}/live-streams/{{live_stream_id}}/{{step}}",
        summary="The streamer's software: connected, recording, active, disconnected or idle",
    )
    async def live_step(
        live_stream_id: str, step: LiveStep, request: Request, changes: IdleChanges | None = None
    ) -> Response:
        duration = (changes or IdleChanges()).duration
        try:
            stream, recording = store.live_step(live_stream_id, step, duration=duration)
        except MuxApiError as error:
            return _error(error)
        webhooks.emit(f"video.live_stream.{step}", "live", stream.api_view())
        if step in _RECORDING_EVENTS:
            webhooks.emit(_RECORDING_EVENTS[step], "asset", recording.api_view())
        return _control_answer(request, stream.api_view())

    @sandbox.get(WEBHOOK_PATH, response_model=WebhookPlan, summary="How webhooks are delivered")
    def get_webhook_plan() -> WebhookPlan:
        return webhooks.plan

    @sandbox.put(WEBHOOK_PATH, response_model=WebhookPlan, summary="Set webhook delivery")
    def set_webhook_plan(plan: WebhookPlan) -> WebhookPlan:
        webhooks.set_plan(plan)
        return plan

    @sandbox.get(
        f"{WEBHOOK_PATH}/deliveries",
        response_model=list[Delivery],
        summary="Every webhook event and its attempts, oldest first",
    )
    def deliveries() -> list[Delivery]:
        return webhooks.deliveries()

    @sandbox.post(
        f"{WEBHOOK_PATH}/release",
        response_model=list[Delivery],
        summary="Send the held events now, in the order asked for",
    )
    async def release(request: Request, order: Release | None = None) -> Response:
        released = await webhooks.release((order or Release()).order)
        if "text/html" in request.headers.get("accept", ""):
            return RedirectResponse(PAGE_PATH, status_code=303)
        return JSONResponse([item.model_dump(mode="json") for item in released])

    @sandbox.get(FAULTS_PATH, response_model=FaultPlan, summary="The current fault plan")
    def get_faults() -> FaultPlan:
        return store.faults

    @sandbox.post(FAULTS_PATH, response_model=FaultPlan, summary="Make the next API calls fail")
    def set_faults(plan: FaultPlan) -> FaultPlan:
        store.set_faults(plan)
        return plan

    @sandbox.delete(FAULTS_PATH, status_code=204, summary="Stop injecting failures and delays")
    def clear_faults() -> Response:
        store.set_faults(FaultPlan())
        return Response(status_code=204)

    router = APIRouter()
    router.include_router(api)
    router.include_router(sandbox)
    return router


def _mux_api_route(store: MuxStore, config: SandboxConfig) -> type[APIRoute]:
    """A route class that wraps each Video API handler in Mux's checks and records the call."""

    class MuxApiRoute(APIRoute):
        def get_route_handler(self) -> Handler:
            handler = super().get_route_handler()

            async def guarded(request: Request) -> Response:
                generation = store.generation
                response = await _answer(request, handler, store, config)
                store.record_call(
                    request.method, request.url.path, response.status_code, generation=generation
                )
                return response

            return guarded

    return MuxApiRoute


async def _answer(
    request: Request, handler: Handler, store: MuxStore, config: SandboxConfig
) -> Response:
    if not _authorized(request, config):
        return _error(_UNAUTHORIZED)
    failure = store.take_failure()
    if failure is not None:
        return _failure_response(failure)
    try:
        response = await handler(request)
    except MuxApiError as error:
        response = _error(error)
    delay = store.faults.delay_seconds
    if delay:
        # After acting, before answering: a client that gives up waiting cannot know whether
        # its create happened, which is exactly the case retries must handle.
        await asyncio.sleep(delay)
    return response


def _authorized(request: Request, config: SandboxConfig) -> bool:
    """HTTP Basic with the access token id and secret, compared in constant time."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(encoded, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    expected = f"{config.mux_token_id}:{config.mux_token_secret.get_secret_value()}"
    return secrets.compare_digest(decoded.encode(), expected.encode())


def _data(data: Any, status_code: int = 200) -> JSONResponse:
    return JSONResponse({"data": data}, status_code=status_code)


def _error(error: MuxApiError) -> JSONResponse:
    return JSONResponse(error.body(), status_code=error.status_code)


def _failure_response(plan: FaultPlan) -> Response:
    if plan.status == 429:
        headers = (
            {"Retry-After": str(math.ceil(plan.retry_after_seconds))}
            if plan.retry_after_seconds is not None
            else None
        )
        error = MuxApiError(429, "too_many_requests", "Too many requests")
        return JSONResponse(error.body(), status_code=429, headers=headers)
    if plan.status == 400:
        return _error(MuxApiError(400, "invalid_parameters", "Sandbox fault: refused on purpose"))
    if plan.status == 500:
        return _error(MuxApiError(500, "internal_server_error", "Internal server error"))
    # 502/503 come from the load balancer in front of Mux: an HTML page, not Mux's JSON.
    return HTMLResponse(
        f"<html><body><h1>{plan.status} Service Unavailable</h1></body></html>",
        status_code=plan.status,
    )


def _cors_headers(cors_origin: str | None, request: Request) -> dict[str, str]:
    """``Access-Control-Allow-Origin`` only for the origin the upload was created for."""
    origin = request.headers.get("origin")
    if cors_origin == "*":
        return {"Access-Control-Allow-Origin": "*"}
    if origin is not None and origin == cors_origin:
        return {"Access-Control-Allow-Origin": origin, "Vary": "Origin"}
    return {}


def _control_answer(request: Request, view: dict[str, Any]) -> Response:
    """JSON for tests; back to the page for the page's buttons (an HTML form post)."""
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(PAGE_PATH, status_code=303)
    return JSONResponse(view)
