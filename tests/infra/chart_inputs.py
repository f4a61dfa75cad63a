"""What Terraform's ``chart_inputs`` module gives each chart in an environment, computed from
the Terraform source (python-hcl2) and the environment's ``terraform.tfvars``, without
Terraform or a cloud.

Two values come from provider-computed attributes, and are modelled here from the providers'
documentation: a Spaces bucket's ``endpoint`` is ``<region>.digitaloceanspaces.com``, and its
``name`` is the name it was given. Everything else is the variables' own values.
"""

from __future__ import annotations

from typing import Any

from tests.infra import terraform

MODULE = terraform.module_path("chart_inputs")
# Settings classes of each chart's processes (the keys of `config` and of the Secrets must be
# variables these classes read).
SETTINGS = {
    "api": "pickey_api.settings:ApiSettings",
    "payments": "pickey_payments.settings:PaymentsSettings",
    "media": "pickey_media.settings:MediaSettings",
    "notifications": "pickey_notifications.settings:NotificationsSettings",
    "pickey-data": "pickey_backup.settings:BackupSettings",
}


def defaults() -> dict[str, Any]:
    return {
        name: body["default"]
        for name, body in terraform.blocks(MODULE, "variable").items()
        if "default" in body
    }


def inputs(environment: str) -> dict[str, Any]:
    """The module's variables as ``envs/<environment>`` sets them."""
    tfvars = terraform.tfvars(environment)
    return {
        **defaults(),
        "pickey_environment": tfvars["pickey_environment"],
        "host": tfvars["hostnames"][0],
        "queue_redis": tfvars["queue_redis"],
        "s3_endpoint_url": f"https://{tfvars['region']}.digitaloceanspaces.com",
        "s3_region": tfvars["region"],
        "uploads_bucket": tfvars["uploads_bucket"],
        "backups_bucket": tfvars["backups_bucket"],
        "backup_keep_days": tfvars["backup_keep_days"],
    }


def chart_values(environment: str) -> dict[str, Any]:
    """``local.chart_values`` evaluated for the environment: the generated values files."""
    local = terraform.locals_of(MODULE)
    scope = {"var": inputs(environment), "local": local}
    values: dict[str, Any] = terraform.evaluate(local["chart_values"], scope)
    return values


def secrets() -> dict[str, set[str]]:
    """Secret name -> keys, as Terraform writes them (``local.secrets`` plus the TLS Secret)."""
    written = {name: set(data) for name, data in terraform.locals_of(MODULE)["secrets"].items()}
    tls = terraform.resources(MODULE, "kubernetes_secret_v1")["origin_tls"]
    written[defaults()["origin_tls_secret"]] = set(tls["data"])
    return written
