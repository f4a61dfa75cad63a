"""pickey-data: Redis keeps the queues (AOF, noeviction, a volume sized by rule, kept on
uninstall) and the nightly backup is a CronJob that never overlaps itself."""

from __future__ import annotations

import re
from pathlib import Path

import helm_python as helm
import pytest

from tests.charts.helm import CHARTS
from tests.charts.manifests import env_of, of_kind, one, pod_spec
from tests.charts.variants import variant_id, variants
from tests.support.chart_rendering import Render

DATA_VARIANTS = variants(("pickey-data",))


def mebibytes(quantity: str) -> int:
    number, unit = re.fullmatch(r"(\d+)(Mi|Gi)", quantity).groups()  # type: ignore[union-attr]
    return int(number) * (1024 if unit == "Gi" else 1)


def redis_conf(manifests: list[dict[str, object]]) -> dict[str, str]:
    text = one(manifests, "ConfigMap", "redis")["data"]["redis.conf"]  # type: ignore[index]
    lines = [line.split(" ", 1) for line in text.splitlines() if line and not line.startswith("#")]
    return {key: value for key, value in lines}


@pytest.mark.parametrize(("chart", "files"), DATA_VARIANTS, ids=variant_id)
def test_redis_persists_and_never_evicts(
    render_chart: Render, chart: str, files: tuple[Path, ...]
) -> None:
    manifests = render_chart(chart, files)
    conf = redis_conf(manifests)
    redis = one(manifests, "StatefulSet", "redis")
    (container, *_) = pod_spec(redis)["containers"]
    (claim,) = redis["spec"]["volumeClaimTemplates"]

    assert conf["appendonly"] == "yes"
    assert conf["appendfsync"] in ("everysec", "always")
    assert conf["maxmemory-policy"] == "noeviction"
    assert conf["dir"] == "/data"
    assert {"name": "data", "mountPath": "/data"} in container["volumeMounts"]
    assert container["command"] == ["redis-server", "/etc/redis/redis.conf"]
    # The documented sizing rule: memory 2 x maxmemory, volume at least 4 x maxmemory.
    maxmemory = mebibytes(conf["maxmemory"].replace("mb", "Mi"))
    assert mebibytes(container["resources"]["limits"]["memory"]) == 2 * maxmemory
    assert (
        container["resources"]["requests"]["memory"] == container["resources"]["limits"]["memory"]
    )
    assert mebibytes(claim["spec"]["resources"]["requests"]["storage"]) >= 4 * maxmemory
    # Uninstalling or scaling down keeps the data.
    assert redis["spec"]["persistentVolumeClaimRetentionPolicy"] == {
        "whenDeleted": "Retain",
        "whenScaled": "Retain",
    }
    annotations = redis["spec"]["template"]["metadata"]["annotations"]
    assert "checksum/config" in annotations


def test_a_volume_too_small_for_the_rule_is_refused(render_chart: Render) -> None:
    with pytest.raises(helm.HelmError, match=r"sizeGi=1 is too small.*at least 2 Gi"):
        render_chart(
            "pickey-data", overrides={"redis": {"maxmemoryMi": 512, "persistence": {"sizeGi": 1}}}
        )


def test_redis_password_comes_from_a_secret(render_chart: Render) -> None:
    manifests = render_chart("pickey-data", (CHARTS / "pickey-data/ci/prod-values.yaml",))
    for container in pod_spec(one(manifests, "StatefulSet", "redis"))["containers"]:
        password = env_of(container)["REDIS_PASSWORD"]
        assert password["valueFrom"]["secretKeyRef"]["name"] == "pickey-redis"


@pytest.mark.parametrize(("chart", "files"), DATA_VARIANTS, ids=variant_id)
def test_backup_runs_nightly_alone_with_secrets_by_reference(
    render_chart: Render, chart: str, files: tuple[Path, ...]
) -> None:
    manifests = render_chart(chart, files)
    cron = one(manifests, "CronJob", "backup")
    config = one(manifests, "ConfigMap", "backup")["data"]
    (container,) = pod_spec(cron)["containers"]
    env = env_of(container)

    assert cron["spec"]["concurrencyPolicy"] == "Forbid"
    assert container["args"] == ["run"]
    assert int(config["PICKEY_BACKUP__KEEP_DAYS"]) >= 1
    for name in ("PICKEY_DATABASE_URL", "PICKEY_BACKUP__S3_SECRET_ACCESS_KEY"):
        assert "secretKeyRef" in env[name]["valueFrom"]
    scratch = env["PICKEY_BACKUP__SCRATCH_DIR"]["value"]
    assert {"name": "scratch", "mountPath": scratch} in container["volumeMounts"]
    assert container["securityContext"]["readOnlyRootFilesystem"] is True


def test_the_data_chart_has_no_application_workloads(render_chart: Render) -> None:
    manifests = render_chart("pickey-data")
    assert of_kind(manifests, "Deployment") == []
    assert of_kind(manifests, "Ingress") == []
