"""Every alert reads metrics that our code really exports, under the names it exports them."""

from __future__ import annotations

import re

import pytest
from prometheus_client import REGISTRY

import pickey_core.observability.metrics  # noqa: F401 - registers the metrics
import pickey_notifications.metrics  # noqa: F401 - the duplicate-send guard's counter
from pickey_backup.report import METRIC_NAMES as BACKUP_METRICS
from tests.charts.helm import APPLICATION_CHARTS, CHARTS
from tests.charts.manifests import of_kind
from tests.support.chart_rendering import Render

REQUIRED_ALERTS = {
    "pickey-data": {
        "PickeyRedisMemoryHigh",
        "PickeyRedisVolumeFilling",
        "PickeyRedisAofWriteFailing",
        "PickeyRedisSnapshotFailing",
        "PickeyBackupTooOld",
        "PickeyDatabaseSequentialScans",
        "PickeyDatabaseSaturated",
    },
    "api": {
        "PickeyHttp5xxRate",
        "PickeyQueueBacklog",
        "PickeyQueueOldestJobAge",
        "PickeyJobFailureRate",
    },
    "payments": {
        "PickeyPaymentFailureRate",
        "PickeyGatewayReturnSignatureFailures",
        "PickeyPaymentAnomalies",
    },
    "media": {"PickeyWebhookSignatureFailures", "PickeyQueueOldestJobAge"},
    "notifications": {
        "PickeyWebhookSignatureFailures",
        "PickeyQueueBacklog",
        "PickeyDuplicateSendsPrevented",
    },
}


def exported_names() -> set[str]:
    names = set(BACKUP_METRICS)
    for metric in REGISTRY.collect():
        for sample_suffix in ("", "_total", "_count", "_sum", "_bucket", "_created"):
            names.add(metric.name + sample_suffix)
    return names


@pytest.mark.parametrize("chart", APPLICATION_CHARTS)
def test_alerts_use_exported_metrics(render_chart: Render, chart: str) -> None:
    manifests = render_chart(chart, (CHARTS / chart / "ci/prod-values.yaml",))
    (rule,) = of_kind(manifests, "PrometheusRule")
    alerts = [r for group in rule["spec"]["groups"] for r in group["rules"]]
    known = exported_names()

    used = {name for alert in alerts for name in re.findall(r"\bpickey_[a-z_]+", alert["expr"])}
    assert used - known == set()
    assert REQUIRED_ALERTS[chart] <= {alert["alert"] for alert in alerts}
