"""The ``values.schema.json`` of every service chart, written from one description.

The four service charts share most of their values (image, secret, web, worker, ingress,
metrics), so their schemas are generated here instead of being kept in sync by hand:
``python -m tests.charts.values_schemas`` (``just charts-schemas``) rewrites them, and a test
fails when a committed schema differs from what this module produces.

The schemas are strict on purpose (a merchant number once rendered as a float broke every
signature): unknown keys are refused, identifiers are strings, secrets can only be named, never
given."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

CHARTS = Path(__file__).resolve().parents[2] / "charts"
SERVICE_CHARTS = ("api", "payments", "media", "notifications")

Schema = dict[str, Any]

# Variables the library chart sets from typed values; `config` may not set them a second time.
MANAGED_VARIABLES = (
    "PICKEY_ENVIRONMENT",
    "PICKEY_HOST",
    "PICKEY_LOG_JSON",
    "PICKEY_PORT",
    "PICKEY_GRACEFUL_SHUTDOWN_SECONDS",
    "PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS",
    "PICKEY_WORKER__METRICS_PORT",
)
# Variable names whose values are secrets: they may appear only in `secret.keys`.
SECRET_NAME_PATTERN = (
    "(SECRET|PASSWORD|PASSPHRASE|API_KEY|PRIVATE_KEY|ACCESS_KEY_ID|SIGNING_KEY|TOKEN_ID"
    "|DATABASE_URL|REDIS_URL)$"
)
VARIABLE_PATTERN = "^PICKEY_[A-Z0-9_]+$"
DNS_NAME = {
    "type": "string",
    "minLength": 1,
    "maxLength": 253,
    "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$",
}
QUANTITY = {"type": ["string", "number"], "pattern": "^[0-9.]+(m|Ki|Mi|Gi|Ti|k|M|G|T)?$"}
SECONDS = {"type": "integer", "minimum": 0, "maximum": 3600}
PORT = {"type": "integer", "minimum": 1, "maximum": 65535}
DURATION = {"type": "string", "pattern": "^[0-9]+(ms|s|m|h)$"}


def strict(properties: Schema, required: list[str] | None = None, **extra: Any) -> Schema:
    """An object with exactly these properties (all required unless ``required`` says)."""
    return {
        "type": "object",
        "additionalProperties": False,
        "required": sorted(properties) if required is None else required,
        "properties": properties,
        **extra,
    }


def string_map(**extra: Any) -> Schema:
    return {"type": "object", "additionalProperties": {"type": "string"}, **extra}


def resources() -> Schema:
    amounts = strict({"cpu": QUANTITY, "memory": QUANTITY})
    return strict({"requests": amounts, "limits": amounts})


def pdb() -> Schema:
    return strict(
        {"enabled": {"type": "boolean"}, "maxUnavailable": {"type": "integer", "minimum": 1}}
    )


def image(repository: str) -> Schema:
    return strict(
        {
            "repository": {"type": "string", "minLength": 1, "default": repository},
            "tag": {"type": "string", "description": "Empty: the chart's appVersion."},
            "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
        }
    )


def secret() -> Schema:
    return strict(
        {
            "name": {
                **DNS_NAME,
                "description": "An existing Secret (created outside Helm) whose keys are the "
                "PICKEY_* variables listed in `keys`.",
            },
            "keys": {
                "type": "array",
                "uniqueItems": True,
                "items": {"type": "string", "pattern": VARIABLE_PATTERN},
                "description": "Variables read from the Secret; a missing key stops the pod.",
            },
            "optionalKeys": {
                "type": "array",
                "uniqueItems": True,
                "items": {"type": "string", "pattern": VARIABLE_PATTERN},
                "description": "Variables read from the Secret when present.",
            },
        },
        required=["name", "keys", "optionalKeys"],
    )


def config() -> Schema:
    return {
        "type": "object",
        "description": "Non-secret settings (PICKEY_* variable: string value) for the ConfigMap. "
        "Values must be strings: quote numbers, so that none is rendered as a float.",
        "propertyNames": {
            "pattern": VARIABLE_PATTERN,
            "not": {
                "anyOf": [
                    {"enum": list(MANAGED_VARIABLES)},
                    {"pattern": SECRET_NAME_PATTERN},
                    {"enum": ["PICKEY_GPWEBPAY__MERCHANT_NUMBER"]},
                ]
            },
        },
        "additionalProperties": {"type": "string"},
    }


def web(port: int) -> Schema:
    return strict(
        {
            "enabled": {"type": "boolean"},
            "port": {**PORT, "default": port},
            "servicePort": PORT,
            "replicas": {"type": "integer", "minimum": 0},
            "maxSurge": {"type": ["integer", "string"], "pattern": "^[0-9]+%$", "minimum": 1},
            "startupSeconds": {"type": "integer", "minimum": 2, "maximum": 600},
            "preStopSeconds": {"type": "integer", "minimum": 1, "maximum": 60},
            "gracefulShutdownSeconds": SECONDS,
            "resources": resources(),
            "autoscaling": strict(
                {
                    "enabled": {"type": "boolean"},
                    "minReplicas": {"type": "integer", "minimum": 1},
                    "maxReplicas": {"type": "integer", "minimum": 1},
                    "targetCPUUtilizationPercentage": {
                        "type": "integer",
                        "minimum": 10,
                        "maximum": 100,
                    },
                }
            ),
            "pdb": pdb(),
        }
    )


def worker() -> Schema:
    return strict(
        {
            "enabled": {"type": "boolean"},
            "replicas": {"type": "integer", "minimum": 0},
            "startupSeconds": {"type": "integer", "minimum": 5, "maximum": 600},
            "jobCompletionWaitSeconds": SECONDS,
            "shutdownMarginSeconds": {"type": "integer", "minimum": 5, "maximum": 300},
            "metricsPort": PORT,
            "resources": resources(),
            "pdb": pdb(),
            "keda": strict(
                {
                    "enabled": {"type": "boolean"},
                    "prometheusServerAddress": {"type": "string", "pattern": "^https?://"},
                    "jobsPerReplica": {"type": "integer", "minimum": 1},
                    "minReplicas": {"type": "integer", "minimum": 1},
                    "maxReplicas": {"type": "integer", "minimum": 1},
                    "pollingIntervalSeconds": {"type": "integer", "minimum": 5},
                    "cooldownSeconds": {"type": "integer", "minimum": 0},
                }
            ),
        }
    )


def ingress() -> Schema:
    path = strict(
        {
            "path": {"type": "string", "pattern": "^/[A-Za-z0-9/._-]*$"},
            "pathType": {"enum": ["Prefix", "Exact"]},
        }
    )
    return strict(
        {
            "enabled": {"type": "boolean"},
            "className": {"type": "string"},
            "host": {"type": "string", "pattern": "^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$"},
            "tlsSecretName": {"type": "string"},
            "annotations": string_map(),
            "paths": {"type": "array", "minItems": 1, "items": path},
        }
    )


def metrics(thresholds: Schema) -> Schema:
    ratio = {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
    common = {
        "http5xxRatio": ratio,
        "queueDepth": {"type": "integer", "minimum": 1},
        "oldestJobAgeSeconds": {"type": "integer", "minimum": 1},
        "jobFailureRatio": ratio,
    }
    return strict(
        {
            "serviceMonitor": strict(
                {"enabled": {"type": "boolean"}, "interval": DURATION, "labels": string_map()}
            ),
            "prometheusRule": strict(
                {
                    "enabled": {"type": "boolean"},
                    "labels": string_map(),
                    "thresholds": strict({**common, **thresholds}),
                }
            ),
        }
    )


def service_schema(chart: str, port: int, extra: Schema, thresholds: Schema) -> Schema:
    properties: Schema = {
        "environment": {"enum": ["development", "test", "staging", "production"]},
        "image": image(f"registry.gitlab.com/pickey/backend/{chart}"),
        "imagePullSecrets": {"type": "array", "items": DNS_NAME},
        "secret": secret(),
        "config": config(),
        "podAnnotations": string_map(),
        "nodeSelector": string_map(),
        "tolerations": {"type": "array", "items": {"type": "object"}},
        "tmpSizeLimit": QUANTITY,
        "web": web(port),
        "worker": worker(),
        "ingress": ingress(),
        "metrics": metrics(thresholds),
        **extra,
    }
    schema = strict(properties)
    # Helm adds these two to every chart's values (the library dependency and globals).
    schema["properties"] = {
        **properties,
        "global": {"type": "object"},
        "pickey-lib": {"type": "object"},
    }
    return {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": f"pickey {chart}",
        **schema,
    }


def gpwebpay() -> Schema:
    return strict(
        {
            "merchantNumber": {
                "type": "string",
                "pattern": "^[0-9]{1,10}$",
                "description": "GP webpay merchant number: a STRING of 1-10 digits (quote it; "
                "leading zeros are kept). An unquoted number fails here instead of reaching the "
                "gateway as 1e+09.",
            },
            "keysSecret": strict(
                {
                    "name": DNS_NAME,
                    "merchantPrivateKey": {"type": "string", "minLength": 1},
                    "gatewayPublicKey": {"type": "string", "minLength": 1},
                }
            ),
        }
    )


def migrations() -> Schema:
    return strict(
        {
            "enabled": {"type": "boolean"},
            "backoffLimit": {"type": "integer", "minimum": 0, "maximum": 5},
            "activeDeadlineSeconds": {"type": "integer", "minimum": 60},
            "resources": resources(),
        }
    )


def signature_failures() -> Schema:
    return {"webhookSignatureFailures": {"type": "integer", "minimum": 1}}


def data_schema() -> Schema:
    """pickey-data: Redis and the PostgreSQL backup."""
    image_ref = strict(
        {
            "repository": {"type": "string", "minLength": 1},
            "tag": {"type": "string", "pattern": "^[0-9]"},
            "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
        }
    )
    redis = strict(
        {
            "image": image_ref,
            "maxmemoryMi": {"type": "integer", "minimum": 64},
            "persistence": strict(
                {
                    "sizeGi": {"type": "integer", "minimum": 1},
                    "storageClassName": {"type": "string"},
                }
            ),
            "appendfsync": {"enum": ["always", "everysec"]},
            "auth": strict({"existingSecret": {"type": "string"}}),
            "cpu": strict({"request": QUANTITY, "limit": QUANTITY}),
            "exporter": strict(
                {
                    "enabled": {"type": "boolean"},
                    "image": strict(
                        {
                            "repository": {"type": "string", "minLength": 1},
                            "tag": {"type": "string", "pattern": "^v?[0-9]"},
                            "pullPolicy": {"enum": ["Always", "IfNotPresent", "Never"]},
                        }
                    ),
                }
            ),
        }
    )
    backup_secret = secret()
    backup_secret["required"] = ["name", "keys"]
    del backup_secret["properties"]["optionalKeys"]
    backup = strict(
        {
            "enabled": {"type": "boolean"},
            "schedule": {"type": "string", "pattern": "^\\S+( \\S+){4}$"},
            "image": image("registry.gitlab.com/pickey/backend/backup"),
            "secret": backup_secret,
            "config": {
                "type": "object",
                "propertyNames": {
                    "pattern": "^PICKEY_BACKUP__[A-Z0-9_]+$",
                    "not": {
                        "anyOf": [
                            {"pattern": SECRET_NAME_PATTERN},
                            {"enum": ["PICKEY_BACKUP__SCRATCH_DIR"]},
                        ]
                    },
                },
                "additionalProperties": {"type": "string"},
            },
            "scratchSizeLimit": QUANTITY,
            "activeDeadlineSeconds": {"type": "integer", "minimum": 300},
            "resources": resources(),
        }
    )
    ratio = {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
    monitoring = strict(
        {
            "serviceMonitor": strict(
                {"enabled": {"type": "boolean"}, "interval": DURATION, "labels": string_map()}
            ),
            "prometheusRule": strict(
                {
                    "enabled": {"type": "boolean"},
                    "labels": string_map(),
                    "thresholds": strict(
                        {
                            "redisMemoryRatio": ratio,
                            "redisVolumeRatio": ratio,
                            "backupMaxAgeHours": {"type": "integer", "minimum": 1},
                            "databaseRowsReadPerSecond": {"type": "integer", "minimum": 1},
                            "databaseActiveQueries": {"type": "integer", "minimum": 1},
                        }
                    ),
                }
            ),
        }
    )
    properties: Schema = {
        "environment": {"enum": ["development", "test", "staging", "production"]},
        "redis": redis,
        "backup": backup,
        "podAnnotations": string_map(),
        "nodeSelector": string_map(),
        "tolerations": {"type": "array", "items": {"type": "object"}},
        "metrics": monitoring,
    }
    schema = strict(properties)
    schema["properties"] = {
        **properties,
        "global": {"type": "object"},
        "pickey-lib": {"type": "object"},
    }
    return {"$schema": "http://json-schema.org/draft-07/schema#", "title": "pickey data", **schema}


def schemas() -> dict[str, Schema]:
    ratio = {"type": "number", "exclusiveMinimum": 0, "maximum": 1}
    return {
        "api": service_schema("api", 8000, {"migrations": migrations()}, {}),
        "payments": service_schema(
            "payments",
            8001,
            {"gpwebpay": gpwebpay()},
            {"paymentFailureRatio": ratio, **signature_failures()},
        ),
        "media": service_schema("media", 8002, {}, signature_failures()),
        "notifications": service_schema(
            "notifications",
            8003,
            {},
            {**signature_failures(), "duplicateSendsPrevented": {"type": "integer", "minimum": 1}},
        ),
        "pickey-data": data_schema(),
    }


def rendered(schema: Schema) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    check = "--check" in sys.argv[1:]
    stale = []
    for chart, schema in schemas().items():
        path = CHARTS / chart / "values.schema.json"
        text = rendered(schema)
        if check:
            if not path.is_file() or path.read_text() != text:
                stale.append(str(path))
        else:
            path.write_text(text)
    if stale:
        print("out of date (run `just charts-schemas`):", *stale, sep="\n  ", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
