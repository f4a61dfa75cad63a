"""Graceful replacement behind a load balancer that learns about it only from ``/readyz``.

In Kubernetes the endpoint is removed when the pod starts terminating and the chart's ``preStop``
sleep covers the propagation. A load balancer that only health-checks (HAProxy, a cloud LB
target group) must instead see ``/readyz`` fail *before* the server stops accepting connections.
So on the first SIGTERM (or SIGINT) the server keeps serving as before, but ``/readyz`` answers
503 ``draining`` for ``PICKEY_SHUTDOWN_DRAIN_SECONDS``; then uvicorn's own graceful shutdown
runs (stop accepting, finish in-flight requests for ``PICKEY_GRACEFUL_SHUTDOWN_SECONDS``). A
second signal during the drain stops at once. With the default 0 nothing changes.
"""

from __future__ import annotations

import threading
from types import FrameType

import uvicorn
from fastapi import FastAPI


def is_draining(app: FastAPI) -> bool:
    return bool(getattr(app.state, "draining", False))


class DrainingServer(uvicorn.Server):
    """:class:`uvicorn.Server` that fails readiness for a while before it shuts down."""

    def __init__(self, config: uvicorn.Config, app: FastAPI, drain_seconds: float) -> None:
        super().__init__(config)
        self._app = app
        self._drain_seconds = drain_seconds
        self._timer: threading.Timer | None = None

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if self._drain_seconds <= 0 or self._timer is not None:
            super().handle_exit(sig, frame)
            return
        self._app.state.draining = True
        # Called from the signal handler: a timer thread only flips uvicorn's should_exit flag,
        # which its main loop polls.
        self._timer = threading.Timer(self._drain_seconds, super().handle_exit, (sig, None))
        self._timer.daemon = True
        self._timer.start()
