"""Render the charts with Helm's own engine (helm-python-sdk: Helm's Go SDK in a shared library,
no helm binary), the way ``helm template`` / ``helm install`` would.

Values files are parsed by Helm's YAML reader, not Python's, so a number in a values file reaches
the schema exactly as it would in ``helm install -f``. Charts are copied to a scratch folder
before their ``file://`` dependency (the library chart) is vendored, so rendering never writes
into the repository and parallel test workers do not race.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import helm_python as helm
import yaml

ROOT = Path(__file__).resolve().parents[2]
CHARTS = ROOT / "charts"
LIBRARY = "pickey-lib"
# Every installable chart; pickey-lib is a library (it renders nothing by itself).
APPLICATION_CHARTS = ("api", "payments", "media", "notifications", "pickey-data")
RELEASE_NAMESPACE = "pickey"

Manifest = dict[str, Any]


def values_files(chart: str) -> list[Path]:
    """The variants CI renders: the defaults alone, then each ``ci/*-values.yaml`` on top."""
    return sorted((CHARTS / chart / "ci").glob("*-values.yaml"))


def prepare(destination: Path) -> Path:
    """Copy ``charts/`` to ``destination`` and vendor the library chart into each chart."""
    copy = destination / "charts"
    shutil.copytree(CHARTS, copy, ignore=shutil.ignore_patterns("charts", "Chart.lock"))
    for chart in APPLICATION_CHARTS:
        helm.dependency_update(str(copy / chart))
    return copy


def merge(base: dict[str, Any], override: Mapping[str, Any]) -> dict[str, Any]:
    """Helm's merge of values files: maps merge key by key, anything else is replaced."""
    merged = dict(base)
    for key, value in override.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def load_values(
    files: Iterable[Path], overrides: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for path in files:
        values = merge(values, helm.values_from_yaml(path.read_text()))
    return merge(values, overrides or {})


def render(
    charts: Path,
    chart: str,
    files: Iterable[Path] = (),
    overrides: Mapping[str, Any] | None = None,
    release: str | None = None,
) -> list[Manifest]:
    """Every object the chart renders (hooks included), parsed, in template order.

    Raises ``helm_python.HelmError`` (schema violations, ``fail`` in a template) like
    ``helm install`` would refuse to install.
    """
    values = load_values(files, overrides)
    with helm.Chart.load(str(charts / chart)) as loaded:
        rendered = loaded.render(
            values, name=release or chart, namespace=RELEASE_NAMESPACE, is_install=True
        )
    manifests: list[Manifest] = []
    for template in sorted(rendered):
        if not template.endswith((".yaml", ".yml")):
            continue  # NOTES.txt
        manifests.extend(doc for doc in yaml.safe_load_all(rendered[template]) if doc)
    return manifests


def render_text(manifests: list[Manifest]) -> str:
    return "".join("---\n" + yaml.safe_dump(doc, sort_keys=False) for doc in manifests)
