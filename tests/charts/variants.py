"""Every (chart, values files) combination CI renders: defaults, then each ci/*-values.yaml."""

from __future__ import annotations

from pathlib import Path

from tests.charts.helm import APPLICATION_CHARTS, CHARTS, values_files

SERVICE_CHARTS = ("api", "payments", "media", "notifications")


def variants(charts: tuple[str, ...] = APPLICATION_CHARTS) -> list[tuple[str, tuple[Path, ...]]]:
    found: list[tuple[str, tuple[Path, ...]]] = []
    for chart in charts:
        found.append((chart, ()))
        found.extend((chart, (path,)) for path in values_files(chart))
    return found


def variant_id(value: object) -> str:
    if isinstance(value, tuple):
        return "+".join(path.relative_to(CHARTS).as_posix() for path in value) or "defaults"
    return str(value)
