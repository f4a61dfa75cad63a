"""One command line for every service image: ``serve`` (HTTP), ``worker`` (arq), ``worker --check``.

The image's command picks the role, so one image per service runs web pods and worker pods.
Settings are loaded first: a bad configuration stops the process with one line and exit status 2
before anything else starts.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
from typing import TYPE_CHECKING, Any

from pickey_core.settings import PickeySettings, load_settings

if TYPE_CHECKING:
    from fastapi import FastAPI

    from pickey_core.queue.worker import WorkerOptions


def _load(reference: str) -> Any:
    """``"package.module:attribute"`` → the attribute, imported only when needed."""
    module, _, attribute = reference.partition(":")
    return getattr(importlib.import_module(module), attribute)


def run_service(
    name: str,
    settings_model: type[PickeySettings],
    *,
    create_app: str | None = None,
    worker_options: str | None = None,
    argv: list[str] | None = None,
) -> None:
    """Parse the role, validate settings, then import and start the role's code.

    ``create_app`` and ``worker_options`` are ``"module:function"`` references so a bad
    configuration is reported before the (slow) application imports.
    """
    parser = argparse.ArgumentParser(prog=f"pickey-{name}")
    sub = parser.add_subparsers(dest="role", required=True)
    if create_app is not None:
        sub.add_parser("serve", help="run the HTTP server (uvicorn)")
    if worker_options is not None:
        worker = sub.add_parser("worker", help="run the queue worker (arq)")
        worker.add_argument(
            "--check", action="store_true", help="exit 0 if this worker is alive, 1 if not"
        )
    args = parser.parse_args(argv)

    settings = load_settings(settings_model)
    from pickey_core.observability.logging import configure_logging

    configure_logging(settings)

    if args.role == "serve" and create_app is not None:
        _serve(_load(create_app)(settings), settings)
    elif args.role == "worker" and worker_options is not None:
        options: WorkerOptions = _load(worker_options)(settings)
        if args.check:
            raise SystemExit(_check_worker(options))
        options.create().run()


def _serve(app: FastAPI, settings: PickeySettings) -> None:
    import uvicorn

    from pickey_core.http.draining import DrainingServer

    # ws="none": no route takes a WebSocket (browsers get live updates from Pusher), and the
    # default ("auto") imports the websockets library at start-up, ~2.5 MiB (issue 14, P7).
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        ws="none",
        log_config=None,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
        proxy_headers=True,
        server_header=False,
    )
    DrainingServer(config, app, settings.shutdown_drain_seconds).run()


def _check_worker(options: WorkerOptions) -> int:
    from arq.worker import async_check_health

    return int(asyncio.run(async_check_health(options.redis_settings, options.health_check_key)))
