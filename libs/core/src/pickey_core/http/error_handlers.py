"""Render every error, ours or the framework's, as :class:`pickey_core.errors.ErrorBody`."""

from __future__ import annotations

import structlog
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException

from pickey_core.errors import ErrorBody, ErrorDetail, ErrorInfo, PickeyError
from pickey_core.http.dependency_errors import CANDIDATES, Dependency, unavailable_dependency
from pickey_core.observability.metrics import DEPENDENCY_UNAVAILABLE

logger = structlog.get_logger(__name__)

_STATUS_CODES = {
    400: "bad_request",
    401: "not_authenticated",
    403: "not_permitted",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    429: "too_many_requests",
}


def error_response(
    status_code: int, body: ErrorBody, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        status_code=status_code, content=body.model_dump(mode="json"), headers=headers
    )


async def _pickey_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, PickeyError)
    if exc.status_code >= 500:
        logger.error("request failed", error_code=exc.error_code, error=exc.message)
    return error_response(exc.status_code, exc.body(), exc.headers)


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        ErrorDetail(
            loc=[part for part in item.get("loc", ()) if isinstance(part, str | int)],
            message=str(item.get("msg", "")),
            type=str(item.get("type", "invalid")),
        )
        for item in exc.errors()
    ]
    body = ErrorBody(
        error=ErrorInfo(
            code="validation_error", message="The request is not valid.", details=details
        )
    )
    return error_response(422, body)


def _allowed_methods(request: Request) -> str:
    """Every method some route answers on this path. Starlette's 405 names only the first route
    whose path matched, and a path served by several routes (GET and PATCH of one resource,
    declared separately) would claim to allow less than it does."""
    methods: set[str] = set()
    for route in iter_route_contexts(request.app.routes):
        regex = getattr(route, "path_regex", None)
        if route.methods and regex is not None and regex.match(request.url.path):
            methods |= set(route.methods)
    return ", ".join(sorted(methods))


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _STATUS_CODES.get(exc.status_code, "http_error")
    body = ErrorBody(error=ErrorInfo(code=code, message=str(exc.detail)))
    headers = dict(getattr(exc, "headers", None) or {})
    if exc.status_code == 405:
        headers["Allow"] = _allowed_methods(request) or headers.get("Allow", "")
    return error_response(exc.status_code, body, headers or None)


async def _unhandled_error(request: Request, exc: Exception) -> JSONResponse:
    logger.exception("unhandled error")
    body = ErrorBody(
        error=ErrorInfo(code="internal_error", message="Something went wrong on our side.")
    )
    return error_response(500, body)


def unavailable_response(dependency: Dependency, service: str, retry_after: int) -> JSONResponse:
    """503 naming the dependency, with ``Retry-After`` (clients and load balancers back off)."""
    DEPENDENCY_UNAVAILABLE.labels(service, dependency).inc()
    body = ErrorBody(
        error=ErrorInfo(
            code="dependency_unavailable",
            message="A service we depend on is unavailable; try again shortly.",
            details=[ErrorDetail(loc=[dependency], message="unavailable", type="unavailable")],
        )
    )
    return error_response(503, body, {"Retry-After": str(retry_after)})


async def _dependency_error(request: Request, exc: Exception) -> JSONResponse:
    dependency = unavailable_dependency(exc)
    if dependency is None:
        return await _unhandled_error(request, exc)
    settings = request.app.state.settings
    logger.warning("dependency unavailable", dependency=dependency, error=repr(exc))
    return unavailable_response(
        dependency, settings.service_name, settings.unavailable_retry_after_seconds
    )


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(PickeyError, _pickey_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    for candidate in CANDIDATES:
        app.add_exception_handler(candidate, _dependency_error)
    app.add_exception_handler(Exception, _unhandled_error)
