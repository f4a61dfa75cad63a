"""The Terraform of infra/terraform holds together without Terraform: it parses, keeps
`terraform fmt`'s layout, the environments differ only in their tfvars, module calls match the
modules' variables and outputs, versions are pinned, and the estate is the one the issue
describes (sizes, PostgreSQL 16, firewalls, noeviction, CORS)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.infra import terraform

MODULES = sorted(path.name for path in (terraform.TERRAFORM / "modules").iterdir())
# Set as GitLab CI variables (TF_VAR_...), never in a file: secrets and the account's zone.
CI_VARIABLES = {"provider_secrets", "cloudflare_zone_id"}


@pytest.mark.parametrize(
    "path", terraform.files(), ids=lambda p: str(p.relative_to(terraform.TERRAFORM))
)
def test_file_parses_and_is_formatted(path: Path) -> None:
    terraform.parse(path)
    assert terraform.alignment_errors(path) == []


def test_alignment_check_catches_a_misaligned_block(tmp_path: Path) -> None:
    sample = tmp_path / "x.tf"
    sample.write_text('resource "a" "b" {\n  name = "x"\n  region = "y"\n}\n')
    assert terraform.alignment_errors(sample) == [f"{sample}: '=' not aligned on lines 2, 3"]
    sample.write_text('resource "a" "b" {\n  name   = "x"\n  region = "y"\n    tags = []\n}\n')
    assert terraform.alignment_errors(sample) == [f"{sample}:4: indented 4, expected 2"]


def test_dev_and_prod_differ_only_in_their_tfvars() -> None:
    dev, prod = (terraform.environment_path(env) for env in terraform.ENVIRONMENTS)
    names = sorted(path.name for path in dev.glob("*.tf"))
    assert names == sorted(path.name for path in prod.glob("*.tf"))
    for name in names:
        assert (dev / name).read_text() == (prod / name).read_text(), name


@pytest.mark.parametrize("environment", terraform.ENVIRONMENTS)
def test_every_variable_is_set_defaulted_or_a_ci_variable(environment: str) -> None:
    root = terraform.environment_path(environment)
    declared = terraform.blocks(root, "variable")
    tfvars = terraform.tfvars(environment)
    assert set(tfvars) <= set(declared)
    unset = {name for name, body in declared.items() if "default" not in body} - set(tfvars)
    assert unset == CI_VARIABLES


@pytest.mark.parametrize("environment", terraform.ENVIRONMENTS)
def test_module_calls_match_the_modules(environment: str) -> None:
    root = terraform.environment_path(environment)
    text = "\n".join(path.read_text() for path in root.glob("*.tf"))
    for name, call in terraform.blocks(root, "module").items():
        module = (root / call["source"]).resolve()
        variables = terraform.blocks(module, "variable")
        given = set(call) - {"source", "count", "for_each", "depends_on", "providers"}
        required = {n for n, body in variables.items() if "default" not in body}
        assert given <= set(variables), (name, given - set(variables))
        assert required <= given, (name, required - given)
        outputs = set(terraform.blocks(module, "output"))
        used = set(re.findall(rf"module\.{name}(?:\[(?:0|\*)\])?\.(\w+)", text))
        assert used <= outputs, (name, used - outputs)


def test_modules_use_their_declared_variables_only() -> None:
    for name in MODULES:
        path = terraform.module_path(name)
        text = "\n".join(p.read_text() for p in path.glob("*.tf"))
        used = set(re.findall(r"\bvar\.(\w+)", text))
        declared = set(terraform.blocks(path, "variable"))
        assert used <= declared, (name, used - declared)
        assert declared <= used, (name, "unused", declared - used)


def test_every_provider_is_pinned_the_same_everywhere() -> None:
    pins: dict[str, set[str]] = {}
    roots = [terraform.module_path(n) for n in MODULES] + [
        terraform.environment_path(e) for e in terraform.ENVIRONMENTS
    ]
    for root in roots:
        for block in terraform.folder(root).get("terraform", []):
            for providers in block.get("required_providers", []):
                for name, requirement in providers.items():
                    assert re.fullmatch(r"~> \d+\.\d+", requirement["version"]), (root, name)
                    pins.setdefault(requirement["source"], set()).add(requirement["version"])
    assert {source for source, versions in pins.items() if len(versions) > 1} == set()
    assert "digitalocean/digitalocean" in pins
    assert "cloudflare/cloudflare" in pins


def test_state_is_kept_in_gitlabs_http_backend() -> None:
    for environment in terraform.ENVIRONMENTS:
        (block,) = terraform.folder(terraform.environment_path(environment))["terraform"]
        assert "http" in block["backend"][0]


@pytest.mark.parametrize(
    ("environment", "node_size", "postgres_size"),
    [("dev", "s-2vcpu-4gb", "db-s-1vcpu-1gb"), ("prod", "s-4vcpu-8gb", "db-s-1vcpu-2gb")],
)
def test_sizes_are_the_issues(environment: str, node_size: str, postgres_size: str) -> None:
    tfvars = terraform.tfvars(environment)
    assert tfvars["node_size"] == node_size
    assert tfvars["min_nodes"] == 2
    assert tfvars["max_nodes"] >= tfvars["min_nodes"]
    assert tfvars["postgres_size"] == postgres_size


def test_the_node_pool_autoscales() -> None:
    cluster = terraform.resources(
        terraform.module_path("kubernetes_cluster"), "digitalocean_kubernetes_cluster"
    )["this"]
    (pool,) = cluster["node_pool"]
    assert pool["auto_scale"] is True
    assert (pool["min_nodes"], pool["max_nodes"]) == ("${var.min_nodes}", "${var.max_nodes}")


def test_databases_admit_only_the_kubernetes_cluster() -> None:
    for module in ("postgres", "valkey"):
        path = terraform.module_path(module)
        (firewall,) = terraform.resources(path, "digitalocean_database_firewall").values()
        assert firewall["rule"] == [{"type": "k8s", "value": "${var.kubernetes_cluster_id}"}]
        cluster = terraform.resources(path, "digitalocean_database_cluster")["this"]
        assert cluster["private_network_uuid"] == "${var.vpc_id}"


def test_postgres_is_16_with_a_session_pool() -> None:
    path = terraform.module_path("postgres")
    cluster = terraform.resources(path, "digitalocean_database_cluster")["this"]
    assert (cluster["engine"], cluster["version"]) == ("pg", "16")
    pool = terraform.resources(path, "digitalocean_database_connection_pool")["app"]
    assert pool["mode"] == "session"


def test_the_managed_redis_never_evicts() -> None:
    path = terraform.module_path("valkey")
    cluster = terraform.resources(path, "digitalocean_database_cluster")["this"]
    config = terraform.resources(path, "digitalocean_database_valkey_config")["this"]
    assert cluster["engine"] == "valkey"
    assert cluster["eviction_policy"] == "noeviction"
    assert config["valkey_maxmemory_policy"] == "noeviction"
    assert config["persistence"] == "rdb"


def test_uploads_accept_browser_uploads_from_the_spa_only() -> None:
    path = terraform.module_path("spaces")
    (cors,) = terraform.resources(path, "digitalocean_spaces_bucket_cors_configuration").values()
    (rule,) = cors["cors_rule"]
    assert rule["allowed_origins"] == ["${var.app_origin}"]
    assert "POST" in rule["allowed_methods"]  # the presigned POST form of pickey_core.storage
    assert "PUT" not in rule["allowed_methods"]
    assert "DELETE" not in rule["allowed_methods"]
    uploads = terraform.resources(path, "digitalocean_spaces_bucket")["uploads"]
    (lifecycle,) = uploads["lifecycle_rule"]
    assert lifecycle["abort_incomplete_multipart_upload_days"] == "${var.abandoned_upload_days}"
    assert uploads["acl"] == "private"


def test_dns_is_proxied_and_one_environment_owns_the_zone_settings() -> None:
    path = terraform.module_path("cloudflare_edge")
    record = terraform.resources(path, "cloudflare_dns_record")["hosts"]
    assert record["proxied"] is True
    settings = terraform.locals_of(path)["zone_settings"]
    assert settings["ssl"] == "strict"
    assert settings["always_use_https"] == "on"
    assert settings["min_tls_version"] == "1.2"
    owners = [e for e in terraform.ENVIRONMENTS if terraform.tfvars(e)["manage_zone_settings"]]
    assert owners == ["prod"]


def test_the_origin_admits_cloudflare_only_and_trusts_its_client_address_header() -> None:
    for environment in terraform.ENVIRONMENTS:
        call = terraform.blocks(terraform.environment_path(environment), "module")["ingress"]
        assert call["allowed_source_cidrs"] == "${data.cloudflare_ip_ranges.this.ipv4_cidrs}"
    (release,) = terraform.resources(terraform.module_path("ingress"), "helm_release").values()
    (values,) = release["values"]
    assert "do-loadbalancer-allow-rules" in values
    assert "var.allowed_source_cidrs" in values
    assert '"forwarded-for-header" = "CF-Connecting-IP"' in values
