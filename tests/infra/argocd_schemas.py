"""Argo CD's custom resources (Application, ApplicationSet, AppProject) checked against the JSON
schemas of Argo CD's own CRDs, vendored in ``infra/gitops/schemas/``.

The schemas are the ``openAPIV3Schema`` of Argo CD's published CRDs
(``manifests/crds/*-crd.yaml`` of argoproj/argo-cd at the release we install; see
``infra/gitops/schemas/SOURCE.md``) with the descriptions removed to keep them small:
``python -m tests.infra.argocd_schemas CRD.yaml...`` rewrites them from downloaded CRD files.

Kubernetes prunes unknown fields of a custom resource silently, so a misspelled key in a
manifest would be accepted and ignored. ``strict`` closes every object schema that lists its
properties (as ``kubectl apply --validate=strict`` does), so such a key is an error here.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "infra" / "gitops" / "schemas"
API_VERSION = "argoproj.io/v1alpha1"

Schema = dict[str, Any]


def _without_descriptions(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: _without_descriptions(value)
            for key, value in node.items()
            if not (key == "description" and isinstance(value, str))
        }
    if isinstance(node, list):
        return [_without_descriptions(item) for item in node]
    return node


def vendor(crd_files: list[Path]) -> list[Path]:
    """Write ``<kind>.json`` for each CRD file (its served v1alpha1 schema)."""
    written = []
    for crd_file in crd_files:
        crd = yaml.safe_load(crd_file.read_text())
        kind = crd["spec"]["names"]["kind"]
        (version,) = [v for v in crd["spec"]["versions"] if v["name"] == "v1alpha1"]
        schema = _without_descriptions(version["schema"]["openAPIV3Schema"])
        path = SCHEMAS / f"{kind}.json"
        path.write_text(json.dumps(schema, sort_keys=True, separators=(",", ":")) + "\n")
        written.append(path)
    return written


def strict(node: Any) -> Any:
    """The schema with unknown keys refused wherever the CRD lists an object's properties."""
    if isinstance(node, dict):
        closed = {key: strict(value) for key, value in node.items()}
        if (
            "properties" in node
            and "additionalProperties" not in node
            and not node.get("x-kubernetes-preserve-unknown-fields")
        ):
            closed["additionalProperties"] = False
        return closed
    if isinstance(node, list):
        return [strict(item) for item in node]
    return node


def schema(kind: str) -> Schema:
    loaded: Schema = json.loads((SCHEMAS / f"{kind}.json").read_text())
    closed: Schema = strict(loaded)
    return closed


def errors(manifest: dict[str, Any]) -> list[str]:
    """Why ``manifest`` is not a valid Argo CD resource (empty when it is)."""
    if manifest.get("apiVersion") != API_VERSION:
        return [f"apiVersion must be {API_VERSION}, not {manifest.get('apiVersion')!r}"]
    kind = manifest.get("kind", "")
    if not (SCHEMAS / f"{kind}.json").is_file():
        return [f"no vendored schema for kind {kind!r}"]
    validator = jsonschema.Draft7Validator(schema(kind))
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in sorted(validator.iter_errors(manifest), key=lambda e: list(e.absolute_path))
    ]


if __name__ == "__main__":
    for written in vendor([Path(argument) for argument in sys.argv[1:]]):
        print(written.relative_to(ROOT))
