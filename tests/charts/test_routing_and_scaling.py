"""One public host, each path to its service; GP webpay configuration; queue-depth scaling;
monitoring objects that select what they should."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.charts.helm import CHARTS
from tests.charts.manifests import env_of, of_kind, one, pod_spec
from tests.charts.variants import SERVICE_CHARTS
from tests.support.chart_rendering import Render

EXPECTED_ROUTES = {
    ("/api", "Prefix"): "api",
    ("/config.json", "Exact"): "api",
    ("/payments", "Prefix"): "payments",
    ("/webhooks/mux", "Prefix"): "media",
    ("/webhooks/mailgun", "Prefix"): "notifications",
    # The one-click unsubscribe link of every non-transactional email (GET shows, POST is
    # RFC 8058's one-click), served by notifications.
    ("/unsubscribe", "Exact"): "notifications",
}


@pytest.mark.parametrize("environment", ["dev", "prod"])
def test_one_host_routes_each_path_to_its_service(render_chart: Render, environment: str) -> None:
    hosts = set()
    routes = {}
    for chart in SERVICE_CHARTS:
        manifests = render_chart(chart, (CHARTS / chart / "ci" / f"{environment}-values.yaml",))
        service = one(manifests, "Service", "web")
        (ingress,) = of_kind(manifests, "Ingress")
        for rule in ingress["spec"]["rules"]:
            hosts.add(rule["host"])
            for path in rule["http"]["paths"]:
                backend = path["backend"]["service"]
                assert backend["name"] == service["metadata"]["name"]
                assert backend["port"]["name"] == service["spec"]["ports"][0]["name"]
                routes[(path["path"], path["pathType"])] = chart
        assert ingress["spec"]["tls"][0]["hosts"] == [ingress["spec"]["rules"][0]["host"]]

    assert len(hosts) == 1
    assert routes == EXPECTED_ROUTES


@pytest.mark.parametrize(
    "files",
    [(), (CHARTS / "payments/ci/dev-values.yaml",), (CHARTS / "payments/ci/prod-values.yaml",)],
)
def test_gpwebpay_merchant_is_a_string_and_keys_are_files(
    render_chart: Render, files: tuple[Path, ...]
) -> None:
    manifests = render_chart("payments", files)
    config = one(manifests, "ConfigMap", "config")["data"]

    merchant = config["PICKEY_GPWEBPAY__MERCHANT_NUMBER"]
    assert isinstance(merchant, str)
    assert re.fullmatch(r"[0-9]{10}", merchant)
    for component in ("web", "worker"):
        spec = pod_spec(one(manifests, "Deployment", component))
        (container,) = spec["containers"]
        mount = {m["name"]: m for m in container["volumeMounts"]}["gpwebpay-keys"]
        volume = {v["name"]: v for v in spec["volumes"]}["gpwebpay-keys"]
        assert mount["readOnly"] is True
        assert volume["secret"]["secretName"] == "pickey-payments-gpwebpay"
        files_in_volume = {item["path"] for item in volume["secret"]["items"]}
        for variable in (
            "PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY_FILE",
            "PICKEY_GPWEBPAY__GATEWAY_PUBLIC_KEY_FILE",
        ):
            directory, _, name = config[variable].rpartition("/")
            assert directory == mount["mountPath"]
            assert name in files_in_volume
        passphrase = env_of(container)["PICKEY_GPWEBPAY__MERCHANT_PRIVATE_KEY_PASSPHRASE"]
        assert passphrase["valueFrom"]["secretKeyRef"]["optional"] is True


def test_merchant_number_keeps_leading_zeros(render_chart: Render) -> None:
    manifests = render_chart("payments", overrides={"gpwebpay": {"merchantNumber": "0012345678"}})
    assert one(manifests, "ConfigMap", "config")["data"]["PICKEY_GPWEBPAY__MERCHANT_NUMBER"] == (
        "0012345678"
    )


@pytest.mark.parametrize("chart", SERVICE_CHARTS)
def test_workers_scale_on_their_queue_depth_when_keda_is_on(
    render_chart: Render, chart: str
) -> None:
    keda = {
        "enabled": True,
        "prometheusServerAddress": "http://prometheus.monitoring:9090",
        "jobsPerReplica": 25,
        "minReplicas": 1,
        "maxReplicas": 5,
        "pollingIntervalSeconds": 30,
        "cooldownSeconds": 300,
    }
    manifests = render_chart(chart, overrides={"worker": {"keda": keda}})
    worker = one(manifests, "Deployment", "worker")
    (scaled,) = of_kind(manifests, "ScaledObject")
    (trigger,) = scaled["spec"]["triggers"]

    assert "replicas" not in worker["spec"]
    assert scaled["spec"]["scaleTargetRef"]["name"] == worker["metadata"]["name"]
    assert scaled["spec"]["minReplicaCount"] >= 1
    assert (
        trigger["metadata"]["query"] == f'max(pickey_queue_depth{{queue="pickey:queue:{chart}"}})'
    )
    assert trigger["metadata"]["threshold"] == "25"
    assert of_kind(render_chart(chart), "ScaledObject") == []


@pytest.mark.parametrize("chart", SERVICE_CHARTS)
def test_monitors_select_the_web_service_and_the_worker_pods(
    render_chart: Render, chart: str
) -> None:
    manifests = render_chart(chart, (CHARTS / chart / "ci/prod-values.yaml",))
    service = one(manifests, "Service", "web")
    worker = one(manifests, "Deployment", "worker")
    (service_monitor,) = of_kind(manifests, "ServiceMonitor")
    (pod_monitor,) = of_kind(manifests, "PodMonitor")

    service_labels = service["metadata"]["labels"]
    assert service_monitor["spec"]["selector"]["matchLabels"].items() <= service_labels.items()
    assert service_monitor["spec"]["endpoints"][0]["port"] == service["spec"]["ports"][0]["name"]
    worker_labels = worker["spec"]["template"]["metadata"]["labels"]
    assert pod_monitor["spec"]["selector"]["matchLabels"].items() <= worker_labels.items()
    port = pod_spec(worker)["containers"][0]["ports"][0]
    assert pod_monitor["spec"]["podMetricsEndpoints"][0]["port"] == port["name"]
