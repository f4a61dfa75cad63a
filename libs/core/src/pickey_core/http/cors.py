"""Cross-origin requests from the web app (CORS), the same for every service.

In production the SPA is served from the same host as the services (one host, a path per
service: ``/api`` and ``/config.json`` → api, ``/payments`` → payments...), so the browser never
makes a cross-origin call and no origin is allowed (the default). In development the SPA (or the
stand-in ``just dev`` serves) runs on its own port, which is another origin: its origin is listed
in ``PICKEY_CORS__ALLOWED_ORIGINS`` and every service answers its preflights and lets it send
the session cookie (credentials), so ``fetch(..., {credentials: "include"})`` works as it would
same-origin. A wildcard is refused: browsers never send cookies to ``*``.
"""

from __future__ import annotations

import json
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import FastAPI
from pydantic import BaseModel, ConfigDict, Field, field_validator
from pydantic_settings import NoDecode
from starlette.middleware.cors import CORSMiddleware

from pickey_core.http.middleware import REQUEST_ID_HEADER

# What the SPA sends besides the CORS-safelisted headers: JSON bodies, the CSRF token, its own
# request id and an idempotency key for checkouts.
ALLOWED_HEADERS = ("Content-Type", "X-CSRF-Token", "X-Request-ID", "Idempotency-Key")
EXPOSED_HEADERS = (REQUEST_ID_HEADER, "Retry-After", "Location")
ALLOWED_METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
# Browsers cap this themselves (Chromium at 2 hours); ten minutes keeps a changed list quick.
PREFLIGHT_MAX_AGE_SECONDS = 600


class CorsConfig(BaseModel):
    """Which web origins may call a service from a browser (``PICKEY_CORS__...``)."""

    model_config = ConfigDict(frozen=True)

    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list,
        description="Origins of the web app allowed to call this service from a browser with its "
        "cookies, comma-separated (e.g. http://127.0.0.1:5173); empty (production: the SPA is "
        "served from the same host) allows none.",
    )

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split(cls, value: Any) -> Any:
        """Accept a JSON list or ``a,b`` from the environment."""
        if isinstance(value, str):
            text = value.strip()
            if text.startswith("["):
                return json.loads(text)
            return [item.strip() for item in text.split(",") if item.strip()]
        return value

    @field_validator("allowed_origins")
    @classmethod
    def _origins_only(cls, origins: list[str]) -> list[str]:
        for origin in origins:
            parts = urlsplit(origin)
            if (
                parts.scheme not in ("http", "https")
                or not parts.hostname
                or parts.path
                or parts.query
                or parts.fragment
            ):
                raise ValueError(
                    f"{origin!r} is not an origin (scheme://host[:port], no path or wildcard)"
                )
        return origins


def install_cors(app: FastAPI, config: CorsConfig) -> None:
    """Answer preflights and add CORS headers for the allowed origins; nothing when none are.

    Install it last so it is the outermost of our middleware: errors rendered further in (404,
    413, 422...) carry the headers too and the SPA can read their bodies. An unexpected 500 is
    rendered by Starlette outside every middleware and has none: the SPA sees a network error.
    """
    if not config.allowed_origins:
        return
    app.add_middleware(
        CORSMiddleware,
        allow_origins=list(config.allowed_origins),
        allow_credentials=True,
        allow_methods=list(ALLOWED_METHODS),
        allow_headers=list(ALLOWED_HEADERS),
        expose_headers=list(EXPOSED_HEADERS),
        max_age=PREFLIGHT_MAX_AGE_SECONDS,
    )
