"""Validate rendered objects against the Kubernetes API's schemas (kubernetes-validate, strict:
unknown fields are errors), and the custom resources we render against the part of their CRDs'
schemas that we use (kubernetes-validate ships no CRDs).

The CRD schemas below are written from the Prometheus operator's (monitoring.coreos.com/v1) and
KEDA's (keda.sh/v1alpha1) published CRDs, limited to the fields our charts set; a field outside
them is an error, so a typo cannot slip through as an ignored key.
"""

from __future__ import annotations

from typing import Any

import jsonschema
import kubernetes_validate

# DigitalOcean Kubernetes' current minor versions; the oldest one we deploy to.
KUBERNETES_VERSION = "1.33"

_STRING_MAP = {"type": "object", "additionalProperties": {"type": "string"}}
_SELECTOR = {
    "type": "object",
    "additionalProperties": False,
    "required": ["matchLabels"],
    "properties": {"matchLabels": _STRING_MAP},
}
_METADATA = {
    "type": "object",
    "required": ["name"],
    "properties": {"name": {"type": "string"}, "labels": _STRING_MAP, "annotations": _STRING_MAP},
}


def _resource(kind: str, api_version: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": ["apiVersion", "kind", "metadata", "spec"],
        "properties": {
            "apiVersion": {"const": api_version},
            "kind": {"const": kind},
            "metadata": _METADATA,
            "spec": spec,
        },
    }


def _strict(properties: dict[str, Any], required: list[str]) -> dict[str, Any]:
    return {
        "type": "object",
        "additionalProperties": False,
        "required": required,
        "properties": properties,
    }


_ENDPOINT = _strict(
    {
        "port": {"type": "string"},
        "path": {"type": "string"},
        "interval": {
            "type": "string",
            "pattern": "^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$",
        },
        "honorLabels": {"type": "boolean"},
    },
    ["port"],
)
_RULE = _strict(
    {
        "alert": {"type": "string", "pattern": "^[A-Za-z][A-Za-z0-9_]*$"},
        "expr": {"type": "string", "minLength": 1},
        "for": {"type": "string", "pattern": "^(0|(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?)$"},
        "labels": _STRING_MAP,
        "annotations": _STRING_MAP,
    },
    ["alert", "expr"],
)

CUSTOM_RESOURCES: dict[tuple[str, str], dict[str, Any]] = {
    ("monitoring.coreos.com/v1", "ServiceMonitor"): _resource(
        "ServiceMonitor",
        "monitoring.coreos.com/v1",
        _strict(
            {
                "selector": _SELECTOR,
                "endpoints": {"type": "array", "minItems": 1, "items": _ENDPOINT},
            },
            ["selector", "endpoints"],
        ),
    ),
    ("monitoring.coreos.com/v1", "PodMonitor"): _resource(
        "PodMonitor",
        "monitoring.coreos.com/v1",
        _strict(
            {
                "selector": _SELECTOR,
                "podMetricsEndpoints": {"type": "array", "minItems": 1, "items": _ENDPOINT},
            },
            ["selector", "podMetricsEndpoints"],
        ),
    ),
    ("monitoring.coreos.com/v1", "PrometheusRule"): _resource(
        "PrometheusRule",
        "monitoring.coreos.com/v1",
        _strict(
            {
                "groups": {
                    "type": "array",
                    "minItems": 1,
                    "items": _strict(
                        {
                            "name": {"type": "string", "minLength": 1},
                            "rules": {"type": "array", "minItems": 1, "items": _RULE},
                        },
                        ["name", "rules"],
                    ),
                }
            },
            ["groups"],
        ),
    ),
    ("keda.sh/v1alpha1", "ScaledObject"): _resource(
        "ScaledObject",
        "keda.sh/v1alpha1",
        _strict(
            {
                "scaleTargetRef": _strict({"name": {"type": "string"}}, ["name"]),
                "minReplicaCount": {"type": "integer", "minimum": 0},
                "maxReplicaCount": {"type": "integer", "minimum": 1},
                "pollingInterval": {"type": "integer"},
                "cooldownPeriod": {"type": "integer"},
                "triggers": {
                    "type": "array",
                    "minItems": 1,
                    "items": _strict(
                        {
                            "type": {"enum": ["prometheus"]},
                            "metadata": _strict(
                                {
                                    "serverAddress": {"type": "string"},
                                    "query": {"type": "string"},
                                    "threshold": {"type": "string", "pattern": "^[0-9]+$"},
                                },
                                ["serverAddress", "query", "threshold"],
                            ),
                        },
                        ["type", "metadata"],
                    ),
                },
            },
            ["scaleTargetRef", "triggers"],
        ),
    ),
}


class InvalidManifest(AssertionError):
    pass


def validate(manifest: dict[str, Any]) -> None:
    """Raise :class:`InvalidManifest` naming the object and the first schema violation."""
    key = (manifest.get("apiVersion", ""), manifest.get("kind", ""))
    name = f"{key[1]}/{manifest.get('metadata', {}).get('name')}"
    try:
        if key in CUSTOM_RESOURCES:
            jsonschema.validate(manifest, CUSTOM_RESOURCES[key])
        else:
            kubernetes_validate.validate(manifest, KUBERNETES_VERSION, strict=True)
    except (jsonschema.ValidationError, kubernetes_validate.ValidationError) as error:
        path = ".".join(str(part) for part in error.path)
        raise InvalidManifest(f"{name}: {path}: {error.message}") from error
    except kubernetes_validate.SchemaNotFoundError as error:
        raise InvalidManifest(f"{name}: no schema for {key} ({error.message})") from error
