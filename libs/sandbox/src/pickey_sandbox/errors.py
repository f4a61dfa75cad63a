"""The sandbox's own errors (unknown path, wrong method, bad body of a test control) in the body
every Pickey service uses: ``{"error": {"code", "message", "details"}}``.

Written here rather than imported from ``pickey_core``: the sandbox stands in for third parties
and must run without our code. Provider routes that mimic a real provider's error format answer
with their own responses and are not touched by these handlers.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException

_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "not_permitted",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    422: "validation_error",
}


def error_body(code: str, message: str, details: list[dict[str, Any]] | None = None) -> Any:
    return {"error": {"code": code, "message": message, "details": details or []}}


def _allowed_methods(request: Request) -> str:
    """Every method some route answers on this path (Starlette names only the first route's)."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if route.methods and regex is not None and regex.match(request.url.path):
            methods |= set(route.methods)
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _CODES.get(exc.status_code, "http_error")
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    return JSONResponse(error_body(code, str(exc.detail)), exc.status_code, headers=headers or None)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {
            "loc": [part for part in item.get("loc", ()) if isinstance(part, str | int)],
            "message": str(item.get("msg", "")),
            "type": str(item.get("type", "invalid")),
        }
        for item in exc.errors()
    ]
    return JSONResponse(error_body("validation_error", "The request is not valid.", details), 422)


# What a fake provider may refuse a request with, in that provider's own format (Mailgun's
# ``{"message"}``, a SOAP fault, an HTML error page...) or in the body above.
PROVIDER_REFUSALS = {
    400: "Bad request",
    401: "Wrong or missing credentials",
    403: "Not allowed",
    404: "No such thing",
    409: "Conflict with the stored state",
    422: "Invalid input",
}


def document_refusals(app: FastAPI) -> None:
    """List those refusals on every operation of ``app``'s OpenAPI document, so a client (and
    Schemathesis) knows every status the sandbox may answer. No body schema: each provider's
    routes answer in their provider's format."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    responses = operation.setdefault("responses", {})
                    for status, description in PROVIDER_REFUSALS.items():
                        responses.setdefault(str(status), {"description": description})
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
