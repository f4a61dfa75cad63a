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


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = _CODES.get(exc.status_code, "http_error")
    return JSONResponse(
        error_body(code, str(exc.detail)), exc.status_code, headers=getattr(exc, "headers", None)
    )


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


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
