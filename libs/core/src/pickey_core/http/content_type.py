"""JSON APIs accept JSON only: anything else is a clear 415, not a confusing validation error."""

from __future__ import annotations

from fastapi import Request

from pickey_core.errors import UnsupportedMediaType

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


async def require_json(request: Request) -> None:
    """Router dependency: a request with a body must declare ``application/json``."""
    if request.method not in _BODY_METHODS:
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise UnsupportedMediaType(
            "Send the request body as JSON (Content-Type: application/json).",
            code="json_required",
        )
