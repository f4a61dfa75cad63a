"""Every chart's environment boots its service: each chart is rendered with each values variant
(defaults, ``ci/*-values.yaml``), and each container's real process is started with exactly the
environment the chart gives it (``tests/charts/boot.py``) against the test PostgreSQL and Redis.
A web container must answer ``/readyz``, a worker must pass ``worker --check`` and exit 0 on
SIGTERM, the migrations job must exit 0. pickey-data's backup CronJob must dump the test
database to the bucket its values name (on the test S3 server) and push its outcome.

A setting added to the code without a safe default and not to the chart (a required variable, a
secret whose placeholder is refused outside development, a public URL left at localhost) stops
the process with a configuration error, so this test fails and prints that line.
"""

from __future__ import annotations

import http.server
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import ClassVar

import boto3
import httpx
import pytest

from tests.charts.boot import Container, containers, environment
from tests.charts.helm import values_files
from tests.support.chart_rendering import Render
from tests.support.processes import free_port

SERVICE_CHARTS = ("api", "payments", "media", "notifications")
VARIANTS = [
    pytest.param(chart, files, id=f"{chart}-{files[0].stem if files else 'defaults'}")
    for chart in SERVICE_CHARTS
    for files in [[], *([path] for path in values_files(chart))]
]
BIN = Path(sys.executable).parent
# What the image itself sets (infra/images/Dockerfile ENV); everything else comes from the chart.
IMAGE_ENV = {
    "PATH": f"{BIN}:/usr/local/bin:/usr/bin:/bin",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "LANG": "C.UTF-8",
}
# Generous: a start-up on a loaded 2-core CI machine; a healthy process is ready in seconds.
START_TIMEOUT = 90.0


def command_of(chart: str, container: Container) -> list[str]:
    """The container's command resolved in this virtual environment (the image runs
    ``pickey-<chart>``, see ``pickey-lib.command``)."""
    command = container.command or [f"pickey-{chart}"]
    program = command[0]
    program = sys.executable if program == "python" else str(BIN / program)
    return [program, *command[1:], *container.args]


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("wb") as output:
        return subprocess.Popen(
            command, env=env, cwd=log.parent, stdout=output, stderr=subprocess.STDOUT
        )


def stop(process: subprocess.Popen[bytes]) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    return process.returncode


def failure(what: str, log: Path) -> str:
    return f"{what}:\n{log.read_text(errors='replace')[-3000:]}"


def wait_ready(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(failure(f"exited with {process.returncode} before {url} answered", log))
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(failure(f"{url} did not answer 200", log))


def wait_worker_alive(
    process: subprocess.Popen[bytes], check: list[str], env: dict[str, str], log: Path
) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(failure(f"worker exited with {process.returncode}", log))
        result = subprocess.run(
            check, env=env, cwd=log.parent, capture_output=True, timeout=60, check=False
        )
        if result.returncode == 0:
            return
        time.sleep(0.5)
    pytest.fail(failure("worker --check never passed", log))


@pytest.mark.parametrize(("chart", "files"), VARIANTS)
def test_each_container_boots_with_its_chart_environment(
    chart: str,
    files: list[Path],
    render_chart: Render,
    database_url: str,
    redis_url: str,
    tmp_path: Path,
) -> None:
    found = list(containers(render_chart(chart, files)))
    roles = {container.role for container in found}
    assert {"serve", "worker"} <= roles, roles

    started: list[tuple[Container, subprocess.Popen[bytes], dict[str, str], Path, int]] = []
    try:
        for container in found:
            folder = tmp_path / f"{container.workload}-{container.name}"
            folder.mkdir()
            port = free_port()
            env = environment(
                container,
                database_url=database_url,
                redis_url=redis_url,
                scratch=folder,
                port=port,
                metrics_port=free_port(),
                base=IMAGE_ENV,
            )
            log = folder / "output.log"
            process = start(command_of(chart, container), env, log)
            started.append((container, process, env, log, port))

        for container, process, env, log, port in started:
            if container.role == "serve":
                wait_ready(process, f"http://127.0.0.1:{port}/readyz", log)
            elif container.role == "worker":
                check = [*command_of(chart, container), "--check"]
                wait_worker_alive(process, check, env, log)
                assert stop(process) == 0, failure("worker did not exit 0 on SIGTERM", log)
            else:  # a job (migrations): it must finish successfully
                try:
                    code = process.wait(timeout=START_TIMEOUT)
                except subprocess.TimeoutExpired:
                    pytest.fail(failure(f"{container.workload} did not finish", log))
                assert code == 0, failure(f"{container.workload} exited with {code}", log)
    finally:
        for _, process, *_ in started:
            stop(process)


def test_the_environment_is_exactly_the_charts() -> None:
    """Nothing of the test runner's environment leaks into the processes started above."""
    assert not {key for key in IMAGE_ENV if key.startswith("PICKEY_")}
    assert set(IMAGE_ENV) <= {"PATH", "PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "LANG"}
    assert os.environ.get("PATH")  # the runner has a PATH; the processes get the image's


class _Pushgateway(http.server.BaseHTTPRequestHandler):
    """Stands in for the Prometheus Pushgateway: accepts pushes and remembers their paths."""

    pushes: ClassVar[list[str]] = []

    def _accept(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).pushes.append(self.path)
        self.send_response(200)
        self.end_headers()

    do_PUT = do_POST = _accept

    def log_message(self, format: str, *args: object) -> None:
        pass


DATA_VARIANTS = [
    pytest.param(files, id=f"pickey-data-{files[0].stem if files else 'defaults'}")
    for files in [[], *([path] for path in values_files("pickey-data"))]
]


@pytest.mark.parametrize("files", DATA_VARIANTS)
def test_the_backup_job_runs_with_its_chart_environment(
    files: list[Path],
    render_chart: Render,
    database_url: str,
    redis_url: str,
    s3_endpoint_url: str,
    tmp_path: Path,
) -> None:
    """pickey-data's backup CronJob with exactly its environment dumps the test database to the
    bucket its values name (on the test S3 server) and pushes its outcome to the Pushgateway."""
    (container,) = [c for c in containers(render_chart("pickey-data", files)) if c.name == "backup"]
    env = environment(
        container,
        database_url=database_url,
        redis_url=redis_url,
        scratch=tmp_path,
        port=free_port(),
        metrics_port=free_port(),
        base=IMAGE_ENV,
    )
    bucket = env["PICKEY_BACKUP__S3_BUCKET"]
    env["PICKEY_BACKUP__S3_ENDPOINT_URL"] = s3_endpoint_url
    region = env.get("PICKEY_BACKUP__S3_REGION", "us-east-1")
    where = (
        {}
        if region == "us-east-1"
        else {"CreateBucketConfiguration": {"LocationConstraint": region}}
    )
    boto3.client(
        "s3", endpoint_url=s3_endpoint_url, region_name=region,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    ).create_bucket(Bucket=bucket, **where)  # type: ignore[arg-type]  # fmt: skip
    _Pushgateway.pushes.clear()
    gateway = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Pushgateway)
    thread = threading.Thread(target=gateway.serve_forever, daemon=True)
    thread.start()
    pushed = "PICKEY_BACKUP__PUSHGATEWAY_URL" in env and env["PICKEY_BACKUP__PUSHGATEWAY_URL"]
    if pushed:
        env["PICKEY_BACKUP__PUSHGATEWAY_URL"] = f"http://127.0.0.1:{gateway.server_address[1]}"
    log = tmp_path / "backup.log"
    try:
        process = start(command_of("backup", container), env, log)
        try:
            code = process.wait(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            stop(process)
            pytest.fail(failure("the backup did not finish", log))
    finally:
        gateway.shutdown()
    assert code == 0, failure(f"the backup exited with {code}", log)
    listed = boto3.client(
        "s3", endpoint_url=s3_endpoint_url, region_name=region,
        aws_access_key_id="testing", aws_secret_access_key="testing",
    ).list_objects_v2(Bucket=bucket)  # fmt: skip
    assert [item["Key"] for item in listed.get("Contents", [])], "no dump in the bucket"
    if pushed:
        assert _Pushgateway.pushes, "the outcome was not pushed"
