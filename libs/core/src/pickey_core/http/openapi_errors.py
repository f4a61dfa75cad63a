"""Every error a route can answer is in the OpenAPI document, documented once here for all
services instead of by hand on each route.

Routes list their own domain errors (``error_responses(TierArchived, ...)``); what the framework
and the shared dependencies add is derived from the route itself:

- a request body → 400 (a body that cannot be read as the declared type: bad encoding, a broken
  multipart form) and 415 (``require_json`` refuses other content types);
- the session dependencies (``RequiredAuth``, ``OptionalAuth`` and what builds on them) → 401
  (no live session, where it is required) and 403 (a write without the CSRF token; the verified
  email gate);
- path parameters → 404 (the thing named in the path does not exist or is not yours);
- and every error body is JSON, also on routes whose success is an HTML page.

The app factory documents 413, 422, 500 and 503 on every route (``COMMON_ERROR_RESPONSES``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts

from pickey_core.http.auth import optional_auth, required_auth
from pickey_core.http.content_type import require_json

_ERROR_REF = {"$ref": "#/components/schemas/ErrorBody"}
_JSON_ERROR = {"application/json": {"schema": _ERROR_REF}}


def _calls(dependant: Dependant) -> Iterator[Callable[..., Any]]:
    for dependency in dependant.dependencies:
        if dependency.call is not None:
            yield dependency.call
        yield from _calls(dependency)


def possible_errors(route: Any) -> dict[int, str]:
    """Status codes the shared machinery may answer on ``route`` (an APIRoute as included in the
    app, with its routers' prefixes and dependencies), with why."""
    calls = set(_calls(route.dependant))
    errors: dict[int, str] = {}
    if route.body_field is not None:
        errors[400] = "BadRequest (the body cannot be read)"
        if require_json in calls:
            errors[415] = "UnsupportedMediaType (not JSON)"
    if required_auth in calls:
        errors[401] = "NotAuthenticated (no live session)"
        errors[403] = "NotPermitted (missing or wrong CSRF token on a write)"
    elif optional_auth in calls:
        errors[403] = "NotPermitted (missing or wrong CSRF token on a write)"
    if route.dependant.path_params:
        errors[404] = "NotFound"
    return errors


def _error_responses_are_json(operation: dict[str, Any]) -> None:
    for status, response in operation.get("responses", {}).items():
        content = response.get("content", {})
        if str(status)[0] in "45" and any(
            media.get("schema") == _ERROR_REF for media in content.values()
        ):
            response["content"] = dict(_JSON_ERROR)


def document_errors(app: FastAPI) -> None:
    """Make ``app.openapi()`` include the errors above; call once, after the routes are added."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        schema = generate()
        # Routes as OpenAPI sees them: included routers' prefixes and dependencies applied.
        for route in iter_route_contexts(app.routes):
            if not isinstance(route.original_route, APIRoute) or not route.include_in_schema:
                continue
            for method in route.methods or ():
                operation = schema["paths"].get(route.path_format, {}).get(method.lower())
                if operation is None:
                    continue
                responses = operation.setdefault("responses", {})
                for status, description in possible_errors(route).items():
                    responses.setdefault(
                        str(status), {"description": description, "content": dict(_JSON_ERROR)}
                    )
                _error_responses_are_json(operation)
        app.openapi_schema = schema
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
