"""JSON APIs accept JSON only: anything else is a clear 415, not a confusing validation error."""

from __future__ import annotations

from fastapi import Request

from pickey_core.errors import UnsupportedMediaType

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


async def require_json(request: Request) -> None:
    """Router dependency: a request with a body must declare ``application/json``.

    A write without a body (log out, like, mark read) needs no content type."""
    if request.method not in _BODY_METHODS or not _has_body(request):
        return
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json" and not (
        media_type.startswith("application/") and media_type.endswith("+json")
    ):
        raise UnsupportedMediaType(
            "Send the request body as JSON (Content-Type: application/json).",
            code="json_required",
        )


def _has_body(request: Request) -> bool:
    length = request.headers.get("content-length")
    if length is not None:
        return length.strip() != "0"
    return "transfer-encoding" in request.headers
