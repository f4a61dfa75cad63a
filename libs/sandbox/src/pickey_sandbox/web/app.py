"""The stand-in's server: static files, and the one HTML shell for every page path (as an SPA's
host serves ``index.html`` for its client-side routes)."""

from __future__ import annotations

from html import escape
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"
# Where `just dev` runs the api, on the one development host name.
DEFAULT_CONFIG_URL = "http://127.0.0.1:8000/config.json"

_SHELL = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="pickey-config-url" content="{config_url}">
<title>Pickey (development stand-in)</title>
<link rel="stylesheet" href="/static/style.css">
</head>
<body>
<header><a href="/">Pickey</a> <small>development stand-in for the web app</small></header>
<p id="notice" role="status"></p>
<main><p>Loading…</p></main>
<script type="module" src="/static/app.js"></script>
</body>
</html>
"""


def create_web_app(config_url: str = DEFAULT_CONFIG_URL) -> Starlette:
    """``config_url`` is the api's ``/config.json``: it tells the pages where the services are."""
    shell = _SHELL.format(config_url=escape(config_url, quote=True))

    async def page(request: Request) -> Response:
        # No caching: a rebuilt app.js or a changed config URL shows on the next reload.
        return HTMLResponse(shell, headers={"Cache-Control": "no-store"})

    async def livez(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        return JSONResponse({"status": "ready"})

    return Starlette(
        routes=[
            Route("/livez", livez),
            Route("/readyz", readyz),
            Mount("/static", StaticFiles(directory=STATIC), name="static"),
            Route("/{path:path}", page),
        ]
    )
