"""One error shape for every Pickey service.

Raise a subclass of :class:`PickeyError` anywhere below an endpoint; the handlers installed by
:func:`pickey_core.http.create_app` render it, FastAPI's validation errors and Starlette's HTTP
errors as the same JSON body::

    {"error": {"code": "email_taken", "message": "...", "details": [...]}}

``code`` is stable and machine-readable (the SPA switches on it); ``message`` is for people.
"""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import BaseModel, Field


class ErrorDetail(BaseModel):
    """One problem with one part of the request (a field, a header, a query parameter)."""

    loc: list[str | int] = Field(default_factory=list, description="Where the problem is.")
    message: str
    type: str = Field(description="Machine-readable kind of problem, e.g. `string_too_short`.")


class ErrorInfo(BaseModel):
    code: str = Field(description="Stable machine-readable error code.")
    message: str = Field(description="Human-readable explanation.")
    details: list[ErrorDetail] = Field(default_factory=list)


class ErrorBody(BaseModel):
    """The body of every non-2xx response from every Pickey service."""

    error: ErrorInfo


class PickeyError(Exception):
    """Base of every error we raise on purpose. Subclasses fix the status and default code."""

    status_code: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    headers: dict[str, str] | None = None

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.error_code = code or self.code
        self.details = details or []
        self.headers = headers

    def body(self) -> ErrorBody:
        return ErrorBody(
            error=ErrorInfo(code=self.error_code, message=self.message, details=self.details)
        )


class BadRequest(PickeyError):
    status_code = 400
    code = "bad_request"


class NotAuthenticated(PickeyError):
    status_code = 401
    code = "not_authenticated"


class NotPermitted(PickeyError):
    status_code = 403
    code = "not_permitted"


class NotFound(PickeyError):
    status_code = 404
    code = "not_found"


class Conflict(PickeyError):
    status_code = 409
    code = "conflict"


class PayloadTooLarge(PickeyError):
    status_code = 413
    code = "payload_too_large"


class UnsupportedMediaType(PickeyError):
    status_code = 415
    code = "unsupported_media_type"


class InvalidInput(PickeyError):
    status_code = 422
    code = "validation_error"


class TooManyRequests(PickeyError):
    status_code = 429
    code = "too_many_requests"


class ServiceUnavailable(PickeyError):
    status_code = 503
    code = "service_unavailable"


def error_responses(*errors: type[PickeyError]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` for a route: each listed error documented with the error body."""
    responses: dict[int | str, dict[str, Any]] = {}
    for error in errors:
        entry = responses.setdefault(
            error.status_code, {"model": ErrorBody, "description": error.__name__}
        )
        if error.__name__ not in entry["description"]:
            entry["description"] += f" / {error.__name__}"
    return responses
