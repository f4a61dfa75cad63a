"""Every metric an alert reads is one that something really exposes, under that name: the real
exporters (Debian's ``prometheus-redis-exporter`` and ``prometheus-postgres-exporter``, started on
free ports against this test process's own Redis and PostgreSQL database and scraped), and our
own processes (each service's ``serve`` and ``worker`` started and their ``/metrics`` scraped).

Two sources cannot run here and are named instead: the kubelet's volume statistics
(``kubelet_volume_stats_*``, Kubernetes itself) and the backup job's metrics, which it pushes to
a Pushgateway rather than serving (``pickey_backup.report.METRIC_NAMES``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from pickey_backup.report import METRIC_NAMES as BACKUP_METRICS
from tests.charts.helm import APPLICATION_CHARTS, CHARTS
from tests.charts.manifests import of_kind
from tests.support.chart_rendering import Render
from tests.support.processes import free_port

REDIS_EXPORTER = shutil.which("prometheus-redis-exporter")
POSTGRES_EXPORTER = shutil.which("prometheus-postgres-exporter")
pytestmark = pytest.mark.skipif(
    REDIS_EXPORTER is None or POSTGRES_EXPORTER is None,
    reason="apt-get install prometheus-redis-exporter prometheus-postgres-exporter (.ci/run does)",
)
KUBELET = {"kubelet_volume_stats_used_bytes", "kubelet_volume_stats_capacity_bytes"}
PROMQL_WORDS = {
    "sum", "min", "max", "avg", "count", "rate", "irate", "increase", "absent", "time", "by",
    "without", "on", "ignoring", "group_left", "group_right", "and", "or", "unless", "bool",
    "topk", "bottomk", "offset", "histogram_quantile", "delta", "deriv", "clamp_min",
}  # fmt: skip
SERVICES = ("api", "payments", "media", "notifications")
ENV = {
    "PICKEY_ENVIRONMENT": "test",
    "PICKEY_HOST": "127.0.0.1",
    "PICKEY_SESSION_SECRET": "metrics-test-session-secret-0123456789abcdef",
    "PICKEY_MAILGUN__DOMAIN": "mg.pickey.test",
    "PICKEY_MAILGUN__API_KEY": "key-metrics-test",
}


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression reads (not functions, keywords or label names)."""
    text = re.sub(r"\{[^}]*\}", " ", expr)
    text = re.sub(r"\b(by|without|on|ignoring)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\[[^\]]*\]", " ", text)
    names = re.findall(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\b(?!\s*\()", text)
    return {name for name in names if name not in PROMQL_WORDS}


def exposed(text: str) -> set[str]:
    """Metric names in a Prometheus text exposition (families with no sample yet included)."""
    names = set()
    for line in text.splitlines():
        if line.startswith("# TYPE "):
            name, kind = line.split()[2:4]
            names.add(name)
            if kind == "counter":
                names.add(name + "_total" if not name.endswith("_total") else name)
            if kind in ("histogram", "summary"):
                names.update({name + "_count", name + "_sum", name + "_bucket"})
        elif line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def alerts_of(render_chart: Render, chart: str) -> list[dict[str, Any]]:
    manifests = render_chart(chart, (CHARTS / chart / "ci/prod-values.yaml",))
    return [
        rule
        for prometheus_rule in of_kind(manifests, "PrometheusRule")
        for group in prometheus_rule["spec"]["groups"]
        for rule in group["rules"]
    ]


def scrape(url: str, deadline: float = 60) -> str:
    end = time.monotonic() + deadline
    while True:
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == 200:
                return response.text
        except httpx.HTTPError:
            if time.monotonic() > end:
                raise
        time.sleep(0.2)


@contextmanager
def started(command: list[str], env: dict[str, str], log: Path) -> Iterator[None]:
    with log.open("wb") as output:
        process = subprocess.Popen(
            command, env=env, cwd=log.parent, stdout=output, stderr=subprocess.STDOUT
        )
    try:
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def exporter_metrics(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> set[str]:
    folder = tmp_path_factory.mktemp("exporters")
    assert REDIS_EXPORTER is not None
    assert POSTGRES_EXPORTER is not None
    redis_port, postgres_port = free_port(), free_port()
    dsn = database_url.replace("postgresql+asyncpg://", "postgresql://") + "?sslmode=disable"
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
    with (
        started(
            [REDIS_EXPORTER, "-redis.addr", redis_url, "-web.listen-address",
             f"127.0.0.1:{redis_port}"],
            base, folder / "redis-exporter.log",
        ),
        started(
            [POSTGRES_EXPORTER, f"--web.listen-address=127.0.0.1:{postgres_port}"],
            {**base, "DATA_SOURCE_NAME": dsn}, folder / "postgres-exporter.log",
        ),
    ):  # fmt: skip
        redis_text = scrape(f"http://127.0.0.1:{redis_port}/metrics")
        postgres_text = scrape(f"http://127.0.0.1:{postgres_port}/metrics")
    assert "redis_up 1" in redis_text, "the redis exporter did not reach the test Redis"
    assert "pg_up 1" in postgres_text, "the postgres exporter did not reach the test database"
    return exposed(redis_text) | exposed(postgres_text)


@pytest.fixture(scope="module")
def our_metrics(
    database_url: str, redis_url: str, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, set[str]]:
    """What each service's web and worker processes serve on /metrics."""
    folder = tmp_path_factory.mktemp("services")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **ENV,
        "PICKEY_DATABASE_URL": database_url,
        "PICKEY_REDIS_URL": redis_url,
    }
    result: dict[str, set[str]] = {}
    binary = Path(sys.executable).parent
    for service in SERVICES:
        web_port, metrics_port = free_port(), free_port()
        with (
            started([str(binary / f"pickey-{service}"), "serve"],
                    {**env, "PICKEY_PORT": str(web_port)}, folder / f"{service}-web.log"),
            started([str(binary / f"pickey-{service}"), "worker"],
                    {**env, "PICKEY_WORKER__METRICS_PORT": str(metrics_port)},
                    folder / f"{service}-worker.log"),
        ):  # fmt: skip
            web = scrape(f"http://127.0.0.1:{web_port}/metrics", deadline=120)
            worker = scrape(f"http://127.0.0.1:{metrics_port}/metrics", deadline=120)
        result[service] = exposed(web) | exposed(worker)
    return result


def test_metric_names_are_read_from_expressions() -> None:
    expr = (
        'sum by (kind) (increase(pickey_payment_anomalies_total{kind=~"a|b"}[15m])) > 0 '
        "or absent(pickey_backup_last_success_timestamp_seconds) "
        "or max(redis_memory_used_bytes) / max(redis_memory_max_bytes) > 0.8"
    )
    assert metric_names(expr) == {
        "pickey_payment_anomalies_total",
        "pickey_backup_last_success_timestamp_seconds",
        "redis_memory_used_bytes",
        "redis_memory_max_bytes",
    }


@pytest.mark.parametrize("chart", APPLICATION_CHARTS)
def test_alerts_read_metrics_that_are_really_exposed(
    render_chart: Render,
    chart: str,
    exporter_metrics: set[str],
    our_metrics: dict[str, set[str]],
) -> None:
    known = exporter_metrics | KUBELET | set(BACKUP_METRICS) | our_metrics.get(chart, set())
    missing = {
        alert["alert"]: metric_names(alert["expr"]) - known
        for alert in alerts_of(render_chart, chart)
        if metric_names(alert["expr"]) - known
    }
    assert missing == {}
