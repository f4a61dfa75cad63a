"""The fake Mux's HTTP surface: the Video API under ``/video/v1``, the direct-upload URL a browser
PUTs the file to, and ``/sandbox/mux/...`` for developers and tests (inspect everything, finish
encoding, inject failures).

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
from typing import Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, RedirectResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field

from pickey_sandbox.config import SandboxConfig
from pickey_sandbox.mux.page import PAGE_PATH, render_page
from pickey_sandbox.mux.requests import json_object, live_stream_request, upload_request
from pickey_sandbox.mux.store import Asset, FaultPlan, MuxApiError, MuxStore, Snapshot

STATE_PATH = f"{PAGE_PATH}/state"
FAULTS_PATH = f"{PAGE_PATH}/faults"
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


def create_router(config: SandboxConfig) -> APIRouter:
    """All Mux routes, sharing one store that lives as long as the app."""
    store = MuxStore(config.mux_upload_timeout_seconds)
    api = APIRouter(tags=["Mux"], route_class=_mux_api_route(store, config))
    sandbox = APIRouter(tags=["Mux"])

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
    def cancel_upload(upload_id: str) -> Response:
        return _data(store.cancel_upload(upload_id).api_view())

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
            store.receive_file(upload_id, byte_count)
        except MuxApiError as error:  # cancelled while the file was arriving
            return PlainTextResponse(error.messages[0], status_code=410, headers=cors)
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
        return HTMLResponse(render_page(store.snapshot()))

    @sandbox.get(STATE_PATH, response_model=Snapshot, summary="Everything the fake Mux holds")
    def state() -> Snapshot:
        return store.snapshot()

    @sandbox.delete(STATE_PATH, status_code=204, summary="Forget everything, faults included")
    def clear_state() -> Response:
        store.clear()
        return Response(status_code=204)

    @sandbox.post(f"{PAGE_PATH}/assets/{{asset_id}}/ready", summary="Finish encoding: ready")
    def mark_ready(
        asset_id: str, request: Request, changes: ReadyChanges | None = None
    ) -> Response:
        values = (changes or ReadyChanges()).model_dump()
        try:
            asset = store.finish_asset(asset_id, {"status": "ready", "errors": None, **values})
        except MuxApiError as error:
            return _error(error)
        return _control_answer(request, asset)

    @sandbox.post(f"{PAGE_PATH}/assets/{{asset_id}}/errored", summary="Finish encoding: errored")
    def mark_errored(
        asset_id: str, request: Request, changes: ErroredChanges | None = None
    ) -> Response:
        messages = (changes or ErroredChanges()).messages
        errors = {"type": "invalid_input", "messages": messages}
        try:
            asset = store.finish_asset(asset_id, {"status": "errored", "errors": errors})
        except MuxApiError as error:
            return _error(error)
        return _control_answer(request, asset)

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


def _control_answer(request: Request, asset: Asset) -> Response:
    """JSON for tests; back to the page for the page's buttons (an HTML form post)."""
    if "text/html" in request.headers.get("accept", ""):
        return RedirectResponse(PAGE_PATH, status_code=303)
    return JSONResponse(asset.api_view())
