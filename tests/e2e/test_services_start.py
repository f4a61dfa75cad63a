"""Every service and worker starts from its entry point and reports healthy."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import httpx

from tests.support.processes import free_port, python_command, running_all, web, worker
from tests.support.settings import TestEnvironment


def worker_check(name: str, env: dict[str, str]) -> int:
    result = subprocess.run(
        python_command(f"pickey_{name}", "worker", "--check"),
        env={**os.environ, **env},
        capture_output=True,
        timeout=60,
        check=False,
    )
    return result.returncode


def test_all_services_answer_livez_and_readyz_and_workers_report_health(
    test_env: TestEnvironment, clean_state: None, tmp_path: Path
) -> None:
    webs = {name: web(name) for name in ("api", "payments", "media", "notifications")}
    metrics_port = free_port()
    workers = [
        worker("api"),
        worker("payments"),
        worker("media"),
        worker("notifications", PICKEY_WORKER__METRICS_PORT=str(metrics_port)),
    ]
    env = test_env.variables()

    with running_all(
        [service for service, _ in webs.values()] + workers, env=env, log_dir=tmp_path
    ) as processes:
        for name, (_, base_url) in webs.items():
            assert httpx.get(f"{base_url}/livez").json() == {"status": "ok"}, name
            ready = httpx.get(f"{base_url}/readyz")
            assert ready.status_code == 200, (name, ready.text)
            metrics = httpx.get(f"{base_url}/metrics").text
            assert "pickey_http_request_duration_seconds_bucket" in metrics, name
        worker_metrics = httpx.get(f"http://127.0.0.1:{metrics_port}/metrics").text
        assert 'pickey_queue_depth{queue="pickey:queue:notifications"} 0.0' in worker_metrics
        assert "pickey_outbox_unfinished 0.0" in worker_metrics
        assert worker_check("notifications", env) == 0
        processes["notifications-worker"].stop()
        assert worker_check("notifications", env) == 1  # this worker is gone: not healthy

    for name in ("api-worker", "payments-worker", "media-worker", "notifications-worker"):
        log = processes[name].log()
        assert '"event": "worker started"' in log, log
        assert '"event": "worker stopped"' in log, log
