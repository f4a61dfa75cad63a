"""The deployment rules of issue 7, checked on what the service charts render for every values
file: zero-downtime web rollouts, graceful workers, hardened pods, secrets only by reference."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.charts.manifests import env_of, of_kind, one, pod_spec, workloads
from tests.charts.values_schemas import SECRET_NAME_PATTERN
from tests.charts.variants import SERVICE_CHARTS, variant_id, variants
from tests.support.chart_rendering import Render

SERVICE_VARIANTS = variants(SERVICE_CHARTS)


def config_of(manifests: list[dict[str, object]]) -> dict[str, str]:
    return one(manifests, "ConfigMap", "config")["data"]  # type: ignore[return-value]


@pytest.mark.parametrize(("chart", "files"), SERVICE_VARIANTS, ids=variant_id)
def test_web_rolls_out_without_downtime(
    render_chart: Render, chart: str, files: tuple[Path, ...]
) -> None:
    manifests = render_chart(chart, files)
    web = one(manifests, "Deployment", "web")
    config = config_of(manifests)
    spec = pod_spec(web)
    (container,) = spec["containers"]

    assert web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert container["startupProbe"]["httpGet"]["path"] == "/livez"
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert container["args"] == ["serve"]
    pre_stop = container["lifecycle"]["preStop"]["exec"]["command"]
    assert pre_stop[0] == "sleep"
    assert int(pre_stop[1]) > 0
    # SIGTERM comes after preStop; uvicorn then drains for PICKEY_GRACEFUL_SHUTDOWN_SECONDS.
    drain = int(config["PICKEY_GRACEFUL_SHUTDOWN_SECONDS"])
    assert spec["terminationGracePeriodSeconds"] > int(pre_stop[1]) + drain
    assert container["ports"][0]["containerPort"] == int(config["PICKEY_PORT"])


@pytest.mark.parametrize(("chart", "files"), SERVICE_VARIANTS, ids=variant_id)
def test_web_has_pdb_and_scales_on_cpu_when_asked(
    render_chart: Render, chart: str, files: tuple[Path, ...]
) -> None:
    manifests = render_chart(chart, files)
    web = one(manifests, "Deployment", "web")
    pod_labels = web["spec"]["template"]["metadata"]["labels"]
    budgets = [
        budget
        for budget in of_kind(manifests, "PodDisruptionBudget")
        if budget["spec"]["selector"]["matchLabels"].items() <= pod_labels.items()
    ]
    autoscalers = of_kind(manifests, "HorizontalPodAutoscaler")

    if web["spec"].get("replicas", 2) > 1:
        assert len(budgets) == 1
        assert budgets[0]["spec"]["maxUnavailable"] >= 1
    if autoscalers:
        (hpa,) = autoscalers
        assert "replicas" not in web["spec"]  # the HPA owns the count
        assert hpa["spec"]["scaleTargetRef"]["name"] == web["metadata"]["name"]
        assert hpa["spec"]["metrics"][0]["resource"]["name"] == "cpu"
        assert hpa["spec"]["minReplicas"] >= 2


def test_production_web_is_redundant(render_chart: Render) -> None:
    for chart in SERVICE_CHARTS:
        manifests = render_chart(chart, (Path(f"charts/{chart}/ci/prod-values.yaml").resolve(),))
        web = one(manifests, "Deployment", "web")
        hpa = of_kind(manifests, "HorizontalPodAutoscaler")
        assert (hpa[0]["spec"]["minReplicas"] if hpa else web["spec"]["replicas"]) >= 2, chart
        assert of_kind(manifests, "PodDisruptionBudget"), chart


@pytest.mark.parametrize(("chart", "files"), SERVICE_VARIANTS, ids=variant_id)
def test_worker_finishes_jobs_before_it_is_killed(
    render_chart: Render, chart: str, files: tuple[Path, ...]
) -> None:
    manifests = render_chart(chart, files)
    worker = one(manifests, "Deployment", "worker")
    config = config_of(manifests)
    spec = pod_spec(worker)
    (container,) = spec["containers"]
    worker_labels = worker["spec"]["template"]["metadata"]["labels"]

    wait = int(config["PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS"])
    assert spec["terminationGracePeriodSeconds"] > wait
    assert container["args"] == ["worker"]
    check = [f"pickey-{chart}", "worker", "--check"]
    assert container["livenessProbe"]["exec"]["command"] == check
    assert container["startupProbe"]["exec"]["command"] == check
    assert "readinessProbe" not in container
    assert worker["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    for service in of_kind(manifests, "Service"):
        assert not service["spec"]["selector"].items() <= worker_labels.items()


@pytest.mark.parametrize(("chart", "files"), SERVICE_VARIANTS, ids=variant_id)
def test_pods_are_hardened_and_bounded(
    render_chart: Render, chart: str, files: tuple[Path, ...]
) -> None:
    for workload in workloads(render_chart(chart, files)):
        spec = pod_spec(workload)
        assert spec["securityContext"]["runAsNonRoot"] is True
        assert spec["securityContext"]["runAsUser"] != 0
        assert spec["automountServiceAccountToken"] is False
        tmp = {volume["name"]: volume for volume in spec["volumes"]}["tmp"]
        assert "emptyDir" in tmp
        for container in spec["containers"]:
            security = container["securityContext"]
            assert security["readOnlyRootFilesystem"] is True
            assert security["allowPrivilegeEscalation"] is False
            assert security["capabilities"]["drop"] == ["ALL"]
            assert {"mountPath": "/tmp", "name": "tmp"} in container["volumeMounts"]
            assert set(container["resources"]) == {"requests", "limits"}
            assert set(container["resources"]["limits"]) == {"cpu", "memory"}


@pytest.mark.parametrize(("chart", "files"), SERVICE_VARIANTS, ids=variant_id)
def test_secrets_are_only_referenced(
    render_chart: Render, chart: str, files: tuple[Path, ...]
) -> None:
    manifests = render_chart(chart, files)
    secret_name = re.compile(SECRET_NAME_PATTERN)

    assert of_kind(manifests, "Secret") == []
    for key in config_of(manifests):
        assert not secret_name.search(key), key
    for workload in workloads(manifests):
        for container in pod_spec(workload)["containers"]:
            for name, item in env_of(container).items():
                if secret_name.search(name):
                    assert "value" not in item, name
                    assert "secretKeyRef" in item["valueFrom"], name


def test_config_change_rolls_the_pods(render_chart: Render) -> None:
    before = render_chart("api")
    after = render_chart("api", overrides={"config": {"PICKEY_LOG_LEVEL": "DEBUG"}})
    for component in ("web", "worker"):
        old = one(before, "Deployment", component)["spec"]["template"]["metadata"]["annotations"]
        new = one(after, "Deployment", component)["spec"]["template"]["metadata"]["annotations"]
        assert old["checksum/config"] != new["checksum/config"]


@pytest.mark.parametrize(
    "files", [(), (Path("charts/api/ci/prod-values.yaml").resolve(),)], ids=variant_id
)
def test_migrations_run_before_the_rollout_with_the_api_image(
    render_chart: Render, files: tuple[Path, ...]
) -> None:
    manifests = render_chart("api", files)
    job = one(manifests, "Job", "migrations")
    web = one(manifests, "Deployment", "web")
    (container,) = pod_spec(job)["containers"]
    annotations = job["metadata"]["annotations"]

    assert set(annotations["helm.sh/hook"].split(",")) == {"pre-install", "pre-upgrade"}
    assert "before-hook-creation" in annotations["helm.sh/hook-delete-policy"]
    assert container["image"] == pod_spec(web)["containers"][0]["image"]
    assert container["command"] + container["args"] == [
        "python",
        "-m",
        "pickey_core.migrate",
        "upgrade",
    ]
    # A pre-install hook runs before the release's ConfigMap exists.
    assert "envFrom" not in container
    assert env_of(container)["PICKEY_DATABASE_URL"]["valueFrom"]["secretKeyRef"]["key"] == (
        "PICKEY_DATABASE_URL"
    )
    assert pod_spec(job)["restartPolicy"] == "Never"


def test_only_the_api_chart_migrates(render_chart: Render) -> None:
    for chart in ("payments", "media", "notifications"):
        assert of_kind(render_chart(chart), "Job") == []
