"""The README documents every setting; compose and the Dockerfile match the services they run."""

from __future__ import annotations

from pathlib import Path

import yaml

from pickey_api.settings import ApiSettings
from pickey_backup.settings import BackupSettings
from pickey_core.settings_reference import variables
from pickey_media.settings import MediaSettings
from pickey_notifications.settings import NotificationsSettings
from pickey_payments.settings import PaymentsSettings
from pickey_sandbox.config import ENV_PREFIX as SANDBOX_PREFIX
from pickey_sandbox.config import SandboxConfig

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = [ApiSettings, PaymentsSettings, MediaSettings, NotificationsSettings, BackupSettings]
KNOWN_VARIABLES = {variable.name for model in SETTINGS for variable in variables(model)}
SERVICES = ["api", "payments", "media", "notifications"]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_readme_documents_every_setting() -> None:
    readme = (ROOT / "README.md").read_text()
    undocumented = {name for name in KNOWN_VARIABLES if f"`{name}`" not in readme}
    assert undocumented == set()


def test_compose_sets_only_settings_that_exist() -> None:
    sandbox = {f"{SANDBOX_PREFIX}{name.upper()}" for name in SandboxConfig.model_fields}
    for name, service in COMPOSE["services"].items():
        for variable in service.get("environment") or {}:
            if variable.startswith(SANDBOX_PREFIX):
                assert variable in sandbox, (name, variable)
            elif variable.startswith("PICKEY_"):
                assert variable in KNOWN_VARIABLES, (name, variable)


def test_compose_waits_only_on_what_can_report() -> None:
    services = COMPOSE["services"]
    for name, service in services.items():
        for target, rule in (service.get("depends_on") or {}).items():
            assert target in services, (name, target)
            if rule["condition"] == "service_healthy":
                assert "healthcheck" in services[target], (name, target)
            if rule["condition"] == "service_completed_successfully":
                assert "restart" not in services[target], (name, target)
        build = service.get("build")
        if build:
            assert (ROOT / build["context"] / build["dockerfile"]).is_file(), name


def test_compose_redis_keeps_queues() -> None:
    command = COMPOSE["services"]["redis"]["command"]
    assert "--appendonly yes" in command
    assert "--maxmemory-policy noeviction" in command


def test_every_service_and_worker_is_in_compose() -> None:
    services = COMPOSE["services"]
    for name in SERVICES:
        assert services[name]["command"] == ["serve"]
    for name in ("api", "payments", "media", "notifications"):
        worker = services[f"{name}-worker"]
        assert worker["command"] == ["worker"]
        assert worker["healthcheck"]["test"] == ["CMD", f"pickey-{name}", "worker", "--check"]


def test_compose_override_only_adds_conveniences() -> None:
    override = yaml.safe_load((ROOT / "compose.override.yaml").read_text())
    for name, service in override["services"].items():
        assert name in COMPOSE["services"], name
        assert set(service) <= {"ports", "environment"}, name
        for variable in service.get("environment") or {}:
            assert variable in KNOWN_VARIABLES, (name, variable)
    # Production's shape publishes nothing on the host; the override does.
    assert all("ports" not in service for service in COMPOSE["services"].values())


def test_compose_backup_writes_to_a_bucket_minio_creates() -> None:
    services = COMPOSE["services"]
    bucket = services["backup"]["environment"]["PICKEY_BACKUP__S3_BUCKET"]
    assert f"local/{bucket}" in services["minio-bucket"]["command"][0]
    assert services["backup"]["build"]["args"]["PACKAGE"] == "pickey-backup"
