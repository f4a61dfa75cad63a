"""Finding things in rendered manifests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tests.charts.helm import Manifest


def of_kind(manifests: list[Manifest], kind: str) -> list[Manifest]:
    return [manifest for manifest in manifests if manifest["kind"] == kind]


def one(manifests: list[Manifest], kind: str, component: str) -> Manifest:
    found = [
        manifest
        for manifest in of_kind(manifests, kind)
        if manifest["metadata"]["labels"]["app.kubernetes.io/component"] == component
    ]
    assert len(found) == 1, (kind, component, [m["metadata"]["name"] for m in found])
    return found[0]


def pod_spec(manifest: Manifest) -> dict[str, Any]:
    if manifest["kind"] == "CronJob":
        return manifest["spec"]["jobTemplate"]["spec"]["template"]["spec"]  # type: ignore[no-any-return]
    return manifest["spec"]["template"]["spec"]  # type: ignore[no-any-return]


def workloads(manifests: list[Manifest]) -> Iterator[Manifest]:
    for manifest in manifests:
        if manifest["kind"] in ("Deployment", "StatefulSet", "Job", "CronJob"):
            yield manifest


def env_of(container: dict[str, Any]) -> dict[str, Any]:
    return {item["name"]: item for item in container.get("env", [])}
