"""Every value a chart needs from the infrastructure comes from Terraform, named the way the
chart reads it: the generated values files pass the charts' schemas and render, agree with the
hand-kept ci/<env>-values.yaml, name only real settings; the Secrets Terraform writes carry
exactly the keys the charts read."""

from __future__ import annotations

import importlib
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pickey_core.settings_reference import variables
from tests.charts.helm import CHARTS, render
from tests.infra import chart_inputs, terraform

CHART_NAMES = tuple(chart_inputs.SETTINGS)
CLUSTER_SCOPED = {
    "Namespace",
    "ClusterRole",
    "ClusterRoleBinding",
    "CustomResourceDefinition",
    "PersistentVolume",
    "StorageClass",
    "PriorityClass",
    "IngressClass",
    "ValidatingWebhookConfiguration",
    "MutatingWebhookConfiguration",
}


def _ingress_class() -> str:
    (release,) = terraform.resources(terraform.module_path("ingress"), "helm_release").values()
    match = re.search(r'ingressClassResource = \{\s*name\s*= "([^"]+)"', release["values"][0])
    assert match, "modules/ingress names no ingress class"
    return match.group(1)


INGRESS_CLASS = _ingress_class()
CASES = [(env, chart) for env in terraform.ENVIRONMENTS for chart in CHART_NAMES]


def chart_defaults(chart: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((CHARTS / chart / "values.yaml").read_text())
    return loaded


def ci_values(environment: str, chart: str) -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(
        (CHARTS / chart / "ci" / f"{environment}-values.yaml").read_text()
    )
    return loaded


def leaves(values: Any, path: tuple[str, ...] = ()) -> dict[tuple[str, ...], Any]:
    if isinstance(values, dict):
        found: dict[tuple[str, ...], Any] = {}
        for key, value in values.items():
            found.update(leaves(value, (*path, key)))
        return found
    return {path: values}


def setting_names(chart: str) -> set[str]:
    module, _, attribute = chart_inputs.SETTINGS[chart].partition(":")
    model = getattr(importlib.import_module(module), attribute)
    return {variable.name for variable in variables(model)}


def test_every_chart_gets_a_values_file_and_nothing_else() -> None:
    for environment in terraform.ENVIRONMENTS:
        assert set(chart_inputs.chart_values(environment)) == set(CHART_NAMES)


@pytest.mark.parametrize(("environment", "chart"), CASES)
def test_generated_values_render_the_chart(
    prepared_charts: Path, environment: str, chart: str
) -> None:
    """Helm's engine with the chart's schema: what Argo CD renders, minus the image tag."""
    generated = chart_inputs.chart_values(environment)[chart]
    files = [CHARTS / chart / "ci" / f"{environment}-values.yaml"]
    manifests = render(prepared_charts, chart, files, generated)
    assert manifests
    # The Argo CD project admits namespaced objects only (infra/gitops/bootstrap/project.yaml).
    assert not {m["kind"] for m in manifests} & CLUSTER_SCOPED
    if chart != "pickey-data":
        (ingress,) = [m for m in manifests if m["kind"] == "Ingress"]
        assert ingress["spec"]["rules"][0]["host"] == terraform.tfvars(environment)["hostnames"][0]
        assert ingress["spec"]["tls"][0]["secretName"] == "pickey-origin-tls"
        # The class of the controller Terraform installs (modules/ingress).
        assert ingress["spec"]["ingressClassName"] == INGRESS_CLASS


@pytest.mark.parametrize(("environment", "chart"), CASES)
def test_generated_values_agree_with_the_ci_values(environment: str, chart: str) -> None:
    """Where ci/<env>-values.yaml (what the Helm deploy jobs use) also sets a value that
    Terraform owns, the two are the same: no hand-copied host or bucket drifts away."""
    generated = leaves(chart_inputs.chart_values(environment)[chart])
    by_hand = leaves(ci_values(environment, chart))
    defaults = leaves(chart_defaults(chart))
    for path, value in generated.items():
        expected = by_hand.get(path, defaults.get(path))
        assert value == expected, (environment, chart, ".".join(path))


@pytest.mark.parametrize("chart", CHART_NAMES)
def test_config_keys_are_settings_of_the_service(chart: str) -> None:
    known = setting_names(chart)
    for environment in terraform.ENVIRONMENTS:
        values = chart_inputs.chart_values(environment)[chart]
        config = values.get("backup", values).get("config", {})
        assert set(config) <= known, set(config) - known


def test_each_service_secret_has_exactly_the_keys_its_chart_reads() -> None:
    written = chart_inputs.secrets()
    for chart in ("api", "payments", "media", "notifications"):
        secret = chart_defaults(chart)["secret"]
        keys = written[secret["name"]]
        assert set(secret["keys"]) <= keys, (chart, set(secret["keys"]) - keys)
        assert keys <= set(secret["keys"]) | set(secret["optionalKeys"]), chart
        assert keys <= setting_names(chart), chart


def test_the_backup_secret_has_the_backup_jobs_keys() -> None:
    secret = chart_defaults("pickey-data")["backup"]["secret"]
    keys = chart_inputs.secrets()[secret["name"]]
    assert keys == set(secret["keys"])
    assert keys <= setting_names("pickey-data")


def test_the_files_secrets_have_the_files_the_charts_mount() -> None:
    written = chart_inputs.secrets()
    gpwebpay = chart_defaults("payments")["gpwebpay"]["keysSecret"]
    assert written[gpwebpay["name"]] == {
        gpwebpay["merchantPrivateKey"],
        gpwebpay["gatewayPublicKey"],
    }
    for environment in terraform.ENVIRONMENTS:
        for chart in ("api", "payments", "media", "notifications"):
            tls = ci_values(environment, chart)["ingress"]["tlsSecretName"]
            assert written[tls] == {"tls.crt", "tls.key"}


def test_the_redis_password_secret_is_the_one_pickey_data_reads() -> None:
    written = chart_inputs.secrets()
    for environment in terraform.ENVIRONMENTS:
        values = chart_inputs.chart_values(environment)["pickey-data"]
        existing = values["redis"]["auth"]["existingSecret"]
        in_cluster = terraform.tfvars(environment)["queue_redis"] == "in-cluster"
        assert bool(existing) == in_cluster, environment
        if existing:
            assert written[existing] == {"REDIS_PASSWORD"}


def test_backup_retention_is_one_number_for_the_job_and_the_bucket() -> None:
    spaces = terraform.resources(terraform.module_path("spaces"), "digitalocean_spaces_bucket")
    (rule,) = spaces["backups"]["lifecycle_rule"]
    assert rule["noncurrent_version_expiration"][0]["days"] == "${var.backup_keep_days}"
    assert spaces["backups"]["versioning"][0]["enabled"] is True
    for environment in terraform.ENVIRONMENTS:
        keep = chart_inputs.chart_values(environment)["pickey-data"]["backup"]["config"]
        assert keep["PICKEY_BACKUP__KEEP_DAYS"] == str(
            terraform.tfvars(environment)["backup_keep_days"]
        )


def test_the_environments_wire_the_module_to_the_resources_modelled_here() -> None:
    """chart_inputs.inputs() reads the tfvars; this is the wiring it assumes."""
    expected = {
        "pickey_environment": "${var.pickey_environment}",
        "host": "${local.host}",
        "queue_redis": "${var.queue_redis}",
        "s3_endpoint_url": "${module.spaces.endpoint_url}",
        "s3_region": "${module.spaces.region}",
        "uploads_bucket": "${module.spaces.uploads_bucket}",
        "backups_bucket": "${module.spaces.backups_bucket}",
        "backup_keep_days": "${var.backup_keep_days}",
        "database_url": "${module.postgres.pooled_url}",
        "backup_database_url": "${module.postgres.direct_url}",
    }
    for environment in terraform.ENVIRONMENTS:
        root = terraform.environment_path(environment)
        call = terraform.blocks(root, "module")["chart_inputs"]
        assert {key: call[key] for key in expected} == expected
        assert terraform.locals_of(root)["host"] == "${var.hostnames[0]}"
        spaces = terraform.blocks(root, "module")["spaces"]
        assert spaces["uploads_bucket"] == "${var.uploads_bucket}"
        assert spaces["backups_bucket"] == "${var.backups_bucket}"
        assert spaces["region"] == "${var.region}"
        outputs = terraform.blocks(terraform.module_path("spaces"), "output")
        assert outputs["endpoint_url"]["value"] == (
            "https://${digitalocean_spaces_bucket.uploads.endpoint}"
        )


def test_the_environments_output_what_feeds_the_charts() -> None:
    for environment in terraform.ENVIRONMENTS:
        outputs = terraform.blocks(terraform.environment_path(environment), "output")
        assert outputs["chart_values"]["value"] == "${module.chart_inputs.chart_values}"
        assert outputs["secret_names"]["value"] == "${module.chart_inputs.secret_names}"
