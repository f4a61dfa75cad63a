"""Alerts are evaluated by Prometheus's own tools (Debian's ``prometheus`` package: ``promtool``).

Every PrometheusRule every chart renders (each values variant) passes ``promtool check rules``.
Each alert written for the 2022 incidents (Redis memory, disk and AOF,
queue age, the duplicate-send guard, signature failures, database sequential scans and
saturation) has a ``promtool test rules`` unit test: series that must fire it (with its labels and
annotations as rendered) and healthy series that must not. The rules under test are the rendered
ones, thresholds included, so a change to a template or a value is tested as deployed.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.charts.helm import APPLICATION_CHARTS, CHARTS, values_files
from tests.charts.manifests import of_kind
from tests.support.chart_rendering import Render

PROMTOOL = shutil.which("promtool")
pytestmark = pytest.mark.skipif(
    PROMTOOL is None, reason="promtool missing: apt-get install prometheus (.ci/run does)"
)
REDIS = {"service": "pickey-data-redis"}
PVC = {"persistentvolumeclaim": "data-pickey-data-redis-0", "namespace": "pickey"}


def rules_of(render_chart: Render, chart: str, files: list[Path]) -> list[dict[str, Any]]:
    """The rule groups of the chart's PrometheusRule objects, as Prometheus would load them."""
    return [
        group
        for rule in of_kind(render_chart(chart, files), "PrometheusRule")
        for group in rule["spec"]["groups"]
    ]


def promtool(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    assert PROMTOOL is not None
    return subprocess.run(
        [PROMTOOL, *args], cwd=cwd, capture_output=True, text=True, timeout=120, check=False
    )


VARIANTS = [
    pytest.param(chart, files, id=f"{chart}-{files[0].stem if files else 'defaults'}")
    for chart in APPLICATION_CHARTS
    for files in [[], *([path] for path in values_files(chart))]
]


@pytest.mark.parametrize(("chart", "files"), VARIANTS)
def test_rendered_rules_pass_promtool_check(
    render_chart: Render, chart: str, files: list[Path], tmp_path: Path
) -> None:
    groups = rules_of(render_chart, chart, files)
    if not groups:
        pytest.skip("this variant renders no PrometheusRule (prometheusRule.enabled: false)")
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"groups": groups}))
    result = promtool("check", "rules", "rules.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


@dataclass
class Case:
    """Series (promtool's expanding notation, one sample a minute) that must fire ``alert`` at
    ``at`` with ``labels`` (besides the rule's own), and healthy series that must not."""

    chart: str
    alert: str
    firing: dict[str, str]
    healthy: dict[str, str]
    at: str
    labels: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.chart}-{self.alert}"


def series(name: str, labels: dict[str, str]) -> str:
    inner = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    return f"{name}{{{inner}}}"


MI = 1024 * 1024
CASES = [
    # Lesson 6: Redis ran out of disk, the queue broke, emails went out 8 times.
    Case(
        "pickey-data",
        "PickeyRedisMemoryHigh",
        firing={
            series("redis_memory_used_bytes", REDIS): f"{460 * MI}x30",
            series("redis_memory_max_bytes", REDIS): f"{512 * MI}x30",
        },
        healthy={
            series("redis_memory_used_bytes", REDIS): f"{200 * MI}x30",
            series("redis_memory_max_bytes", REDIS): f"{512 * MI}x30",
        },
        at="15m",
    ),
    Case(
        "pickey-data",
        "PickeyRedisVolumeFilling",
        firing={
            series("kubelet_volume_stats_used_bytes", PVC): "0+100000000x30",
            series("kubelet_volume_stats_capacity_bytes", PVC): "2000000000x30",
        },
        healthy={
            series("kubelet_volume_stats_used_bytes", PVC): "500000000x30",
            series("kubelet_volume_stats_capacity_bytes", PVC): "2000000000x30",
        },
        at="30m",
        labels=PVC,
    ),
    Case(
        "pickey-data",
        "PickeyRedisAofWriteFailing",
        firing={
            series("redis_aof_last_write_status", REDIS): "1 1 1 0x10",
            series("redis_aof_last_bgrewrite_status", REDIS): "1x15",
        },
        healthy={
            series("redis_aof_last_write_status", REDIS): "1x15",
            series("redis_aof_last_bgrewrite_status", REDIS): "1x15",
        },
        at="10m",
    ),
    Case(
        "pickey-data",
        "PickeyRedisAofWriteFailing",
        firing={
            series("redis_aof_last_write_status", REDIS): "1x15",
            series("redis_aof_last_bgrewrite_status", REDIS): "1 0x14",
        },
        healthy={
            series("redis_aof_last_write_status", REDIS): "1x15",
            series("redis_aof_last_bgrewrite_status", REDIS): "1x15",
        },
        at="10m",
    ),
    # Lesson 4: an unindexed filter read 8,000,000,000 rows and took the database down.
    Case(
        "pickey-data",
        "PickeyDatabaseSequentialScans",
        firing={
            series(
                "pg_stat_database_tup_returned", {"datname": "pickey", "server": "db:25060"}
            ): "0+180000000x40",  # 3,000,000 rows/s
            series(
                "pg_stat_database_tup_returned", {"datname": "postgres", "server": "db:25060"}
            ): "0+6000x40",
        },
        healthy={
            series(
                "pg_stat_database_tup_returned", {"datname": "pickey", "server": "db:25060"}
            ): "0+6000000x40",  # 100,000 rows/s
        },
        at="30m",
        labels={"datname": "pickey"},
    ),
    Case(
        "pickey-data",
        "PickeyDatabaseSaturated",
        firing={
            series("pg_stat_activity_count", {"datname": "pickey", "state": "active"}): "55x30",
            series("pg_stat_activity_count", {"datname": "pickey", "state": "idle"}): "10x30",
        },
        healthy={
            series("pg_stat_activity_count", {"datname": "pickey", "state": "active"}): "5x30",
            series("pg_stat_activity_count", {"datname": "pickey", "state": "idle"}): "90x30",
        },
        at="20m",
    ),
    # Queue age: jobs waiting while workers are stuck or gone.
    Case(
        "notifications",
        "PickeyQueueOldestJobAge",
        firing={
            series(
                "pickey_queue_oldest_job_age_seconds", {"queue": "pickey:queue:notifications"}
            ): "0+60x40",
        },
        healthy={
            series(
                "pickey_queue_oldest_job_age_seconds", {"queue": "pickey:queue:notifications"}
            ): "0 3 1 0 2x40",
        },
        at="25m",
    ),
    Case(
        "payments",
        "PickeyQueueOldestJobAge",
        firing={
            series(
                "pickey_queue_oldest_job_age_seconds", {"queue": "pickey:queue:payments"}
            ): "0+60x40",
            # Another service's queue does not matter to this chart's alert.
            series("pickey_queue_oldest_job_age_seconds", {"queue": "pickey:queue:media"}): "0x40",
        },
        healthy={
            series(
                "pickey_queue_oldest_job_age_seconds", {"queue": "pickey:queue:payments"}
            ): "0x40",
            series(
                "pickey_queue_oldest_job_age_seconds", {"queue": "pickey:queue:media"}
            ): "0+60x40",
        },
        at="25m",
    ),
    # Every worker gone (issue 12: a Redis outage stopped all four): nobody reports the age.
    Case(
        "notifications",
        "PickeyQueueOldestJobAge",
        firing={series("pickey_queue_oldest_job_age_seconds", {"queue": "other"}): "0x40"},
        healthy={
            series(
                "pickey_queue_oldest_job_age_seconds", {"queue": "pickey:queue:notifications"}
            ): "0x40",
        },
        at="10m",
        labels={"queue": "pickey:queue:notifications"},
    ),
    Case(
        "pickey-data",
        "PickeyRedisDown",
        firing={series("redis_up", {"service": "another-redis"}): "1x20"},
        healthy={series("redis_up", REDIS): "1x20"},
        at="10m",
        labels=REDIS,
    ),
    Case(
        "pickey-data",
        "PickeyRedisDown",
        firing={series("redis_up", REDIS): "1 1 0x20"},
        healthy={series("redis_up", REDIS): "1 1 0 1x20"},
        at="10m",
    ),
    # The duplicate-send guard refusing second sends: jobs run more than once.
    Case(
        "notifications",
        "PickeyDuplicateSendsPrevented",
        firing={
            series(
                "pickey_notification_duplicate_sends_prevented_total", {"provider": "mailgun"}
            ): "0+20x30",
        },
        healthy={
            series(
                "pickey_notification_duplicate_sends_prevented_total", {"provider": "mailgun"}
            ): "0 0 1 1 1x30",
        },
        at="20m",
    ),
    # Lesson 5: signatures stopped validating (a merchant number rendered as a float).
    Case(
        "payments",
        "PickeyGatewayReturnSignatureFailures",
        firing={
            series(
                "pickey_gateway_returns_rejected_total", {"reason": "return_signature_invalid"}
            ): "0+1x30",
        },
        healthy={
            series("pickey_gateway_returns_rejected_total", {"reason": "unknown_order"}): "0+1x30",
        },
        at="20m",
    ),
    Case(
        "notifications",
        "PickeyWebhookSignatureFailures",
        firing={
            series("pickey_webhook_signature_failures_total", {"provider": "mailgun"}): "0+2x30",
        },
        healthy={
            series("pickey_webhook_signature_failures_total", {"provider": "mailgun"}): "0x30",
            series("pickey_webhook_signature_failures_total", {"provider": "mux"}): "0+5x30",
        },
        at="20m",
    ),
    Case(
        "media",
        "PickeyWebhookSignatureFailures",
        firing={
            series("pickey_webhook_signature_failures_total", {"provider": "mux"}): "0+2x30",
        },
        healthy={
            series("pickey_webhook_signature_failures_total", {"provider": "mailgun"}): "0+5x30",
        },
        at="20m",
    ),
]


def unit_test(case: Case, rule: dict[str, Any]) -> dict[str, Any]:
    def inputs(values: dict[str, str]) -> list[dict[str, str]]:
        return [{"series": name, "values": value} for name, value in values.items()]

    expected = {
        "exp_labels": {**rule.get("labels", {}), **case.labels},
        "exp_annotations": rule.get("annotations", {}),
    }
    return {
        "rule_files": ["rules.yaml"],
        "evaluation_interval": "1m",
        "tests": [
            {
                "interval": "1m",
                "input_series": inputs(case.firing),
                "alert_rule_test": [
                    {"eval_time": case.at, "alertname": case.alert, "exp_alerts": [expected]}
                ],
            },
            {
                "interval": "1m",
                "input_series": inputs(case.healthy),
                "alert_rule_test": [
                    {"eval_time": case.at, "alertname": case.alert, "exp_alerts": []}
                ],
            },
        ],
    }


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_incident_alerts_fire_on_the_incident_and_not_on_health(
    render_chart: Render, case: Case, tmp_path: Path
) -> None:
    groups = rules_of(render_chart, case.chart, [CHARTS / case.chart / "ci/prod-values.yaml"])
    (rule,) = [r for group in groups for r in group["rules"] if r.get("alert") == case.alert]
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"groups": groups}))
    (tmp_path / "test.yaml").write_text(yaml.safe_dump(unit_test(case, rule)))
    result = promtool("test", "rules", "test.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_wrong_expectation_fails(render_chart: Render, tmp_path: Path) -> None:
    """The unit tests can fail: healthy series given as the firing ones do not fire."""
    case = CASES[0]
    wrong = Case(case.chart, case.alert, firing=case.healthy, healthy=case.healthy, at=case.at)
    groups = rules_of(render_chart, case.chart, [CHARTS / case.chart / "ci/prod-values.yaml"])
    (rule,) = [r for group in groups for r in group["rules"] if r.get("alert") == case.alert]
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump({"groups": groups}))
    (tmp_path / "test.yaml").write_text(yaml.safe_dump(unit_test(wrong, rule)))
    assert promtool("test", "rules", "test.yaml", cwd=tmp_path).returncode != 0
