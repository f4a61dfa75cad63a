"""Every chart renders with Helm's engine for every values file, and every object it renders is
valid for the Kubernetes API (and the CRDs we use)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.charts.helm import APPLICATION_CHARTS, CHARTS, values_files
from tests.charts.kubernetes_schemas import validate
from tests.charts.variants import variant_id, variants
from tests.support.chart_rendering import Render


def test_every_chart_has_dev_and_prod_values() -> None:
    for chart in APPLICATION_CHARTS:
        assert [path.name for path in values_files(chart)] == [
            "dev-values.yaml",
            "prod-values.yaml",
        ]


def test_the_library_chart_is_a_library_and_every_chart_uses_it() -> None:
    library = (CHARTS / "pickey-lib" / "Chart.yaml").read_text()
    assert "type: library" in library
    for chart in APPLICATION_CHARTS:
        assert "repository: file://../pickey-lib" in (CHARTS / chart / "Chart.yaml").read_text()


@pytest.mark.parametrize(("chart", "files"), variants(), ids=variant_id)
def test_renders_valid_kubernetes_objects(
    render_chart: Render, chart: str, files: tuple[Path, ...]
) -> None:
    manifests = render_chart(chart, files)

    assert manifests
    for manifest in manifests:
        validate(manifest)
    names = Counter((manifest["kind"], manifest["metadata"]["name"]) for manifest in manifests)
    assert [key for key, count in names.items() if count > 1] == []
