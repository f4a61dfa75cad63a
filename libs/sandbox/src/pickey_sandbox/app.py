"""One ASGI app that stands in for every third party Pickey talks to, on one port (9000).

Each provider is a subpackage with its own router and developer page; :data:`PROVIDERS` is the
only place that lists them, so adding one is a subpackage plus one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape

from fastapi import APIRouter, FastAPI
from fastapi.responses import HTMLResponse

from pickey_sandbox import gpwebpay, mailgun, mux, pusher
from pickey_sandbox.config import SandboxConfig
from pickey_sandbox.errors import document_refusals, install_error_handlers


@dataclass(frozen=True)
class SandboxProvider:
    """A fake provider: its routes and the page a developer opens to see what it received."""

    title: str
    page_path: str
    create_router: Callable[[SandboxConfig], APIRouter]


PROVIDERS: tuple[SandboxProvider, ...] = (
    SandboxProvider(mailgun.TITLE, mailgun.PAGE_PATH, mailgun.create_router),
    SandboxProvider(mux.TITLE, mux.PAGE_PATH, mux.create_router),
    SandboxProvider(gpwebpay.TITLE, gpwebpay.PAGE_PATH, gpwebpay.create_router),
    SandboxProvider(pusher.TITLE, pusher.PAGE_PATH, pusher.create_router),
)

_INDEX = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Pickey sandbox</title>
<style>body {{ font-family: system-ui, sans-serif; margin: 2rem; }}</style></head>
<body>
<h1>Pickey provider sandbox</h1>
<p>Local stand-ins for the third parties Pickey uses. Nothing leaves this machine.</p>
<ul>
{links}
</ul>
<p><a href="/docs">API docs</a></p>
</body>
</html>
"""


def create_app(config: SandboxConfig | None = None) -> FastAPI:
    """Build the sandbox; each call gets fresh, empty provider state."""
    config = config or SandboxConfig()
    app = FastAPI(title="Pickey provider sandbox", version="0.1.0")
    install_error_handlers(app)
    for provider in PROVIDERS:
        app.include_router(provider.create_router(config))

    @app.get("/livez", tags=["Sandbox"], summary="The process is up")
    def livez() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["Sandbox"], summary="Ready to serve")
    def readyz() -> dict[str, str]:
        """The sandbox keeps its state in memory and depends on nothing: up means ready."""
        return {"status": "ready"}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index() -> HTMLResponse:
        links = "\n".join(
            f'<li><a href="{escape(provider.page_path)}">{escape(provider.title)}</a></li>'
            for provider in PROVIDERS
        )
        return HTMLResponse(_INDEX.format(links=links))

    document_refusals(app)
    return app
