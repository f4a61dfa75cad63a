"""Real processes for end-to-end tests: uvicorn servers and arq workers started by their entry
points, configured through environment variables exactly as in a deployment."""

from __future__ import annotations

import pytest

from tests.support.processes import Service, free_port, python_command

pytestmark = pytest.mark.e2e


def web(name: str) -> tuple[Service, str]:
    """The service's HTTP server on a free port, and its base URL."""
    port = free_port()
    base_url = f"http://127.0.0.1:{port}"
    service = Service(
        name=f"{name}-web",
        command=python_command(f"pickey_{name}", "serve"),
        ready_url=f"{base_url}/livez",
        env={"PICKEY_PORT": str(port)},
    )
    return service, base_url


def worker(name: str, **env: str) -> Service:
    return Service(
        name=f"{name}-worker",
        command=python_command(f"pickey_{name}", "worker"),
        ready_log_line="worker started",
        env=env,
    )
