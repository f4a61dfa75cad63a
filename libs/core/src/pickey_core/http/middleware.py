"""ASGI middleware every service runs: request context and metrics, and a request body limit."""

from __future__ import annotations

import re
import time
import uuid

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from pickey_core.errors import PayloadTooLarge
from pickey_core.observability.metrics import HTTP_REQUEST_DURATION

logger = structlog.get_logger("pickey.access")

REQUEST_ID_HEADER = "x-request-id"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,128}$")
_UNLOGGED_PATHS = frozenset({"/livez", "/readyz", "/metrics"})
# Path parameters that can name a person (a creator's page slug is often their name): the access
# log shows the parameter's name instead, so erasing an account leaves no name in our logs.
_PERSONAL_PATH_PARAMS = frozenset({"slug"})


def loggable_path(scope: Scope) -> str:
    """The request path with personal path parameters replaced by ``{name}``."""
    path: str = scope["path"]
    for name, value in (scope.get("path_params") or {}).items():
        if name in _PERSONAL_PATH_PARAMS and isinstance(value, str) and value:
            path = path.replace(f"/{value}", f"/{{{name}}}")
    return path


class RequestContextMiddleware:
    """Give every request an id (the caller's ``X-Request-ID`` if sane), log one access line and
    record latency by route template (never by raw path: that would explode the metric)."""

    def __init__(self, app: ASGIApp, service: str) -> None:
        self.app = app
        self.service = service

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        offered = dict(scope["headers"]).get(REQUEST_ID_HEADER.encode(), b"").decode("latin-1")
        request_id = offered if _SAFE_REQUEST_ID.match(offered) else uuid.uuid4().hex
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (REQUEST_ID_HEADER.encode(), request_id.encode()),
                ]
            await send(message)

        with structlog.contextvars.bound_contextvars(request_id=request_id):
            try:
                await self.app(scope, receive, send_with_id)
            finally:
                elapsed = time.perf_counter() - started
                route = getattr(scope.get("route"), "path", "unmatched")
                HTTP_REQUEST_DURATION.labels(
                    self.service, scope["method"], route, str(status)
                ).observe(elapsed)
                if scope["path"] not in _UNLOGGED_PATHS:
                    logger.info(
                        "request",
                        method=scope["method"],
                        path=loggable_path(scope),
                        route=route,
                        status=status,
                        duration_ms=round(elapsed * 1000, 2),
                    )


class BodySizeLimitMiddleware:
    """Refuse request bodies over ``max_bytes`` (declared or streamed) with 413, before anything
    reads them whole into memory.

    A streamed body that grows too large is cut off: this middleware answers 413 itself, tells
    the app the client went away, and drops whatever the app tries to send afterwards (raising
    from ``receive`` would not work: the framework turns body-reading errors into a 400).

    Paths under ``exempt_prefixes`` bound their own bodies while streaming them (the local
    storage backend's upload route enforces its presigned policy's size, 25 MB for photos, as S3
    would) and are passed through untouched.
    """

    def __init__(self, app: ASGIApp, max_bytes: int, exempt_prefixes: tuple[str, ...] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.exempt_prefixes = exempt_prefixes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or (
            self.exempt_prefixes and str(scope["path"]).startswith(self.exempt_prefixes)
        ):
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._refuse(scope, receive, send)
            return
        received = 0
        refused = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    refused = True
                    if not response_started:
                        await self._refuse(scope, receive, send)
                    return {"type": "http.disconnect"}
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if refused:
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            if not refused:
                raise

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        from pickey_core.http.error_handlers import error_response

        message = f"The request body is larger than {self.max_bytes} bytes."
        await error_response(413, PayloadTooLarge(message).body())(scope, receive, send)
