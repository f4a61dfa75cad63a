"""Charts are prepared once per test process (pytest-xdist worker) in its own scratch folder."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from tests.charts.helm import Manifest, prepare, render
from tests.support.chart_rendering import Render


@pytest.fixture(scope="session")
def prepared_charts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare(tmp_path_factory.mktemp("charts"))


@pytest.fixture(scope="session")
def render_chart(prepared_charts: Path) -> Render:
    def _render(
        chart: str,
        files: list[Path] | tuple[Path, ...] = (),
        overrides: Mapping[str, Any] | None = None,
    ) -> list[Manifest]:
        return render(prepared_charts, chart, files, overrides)

    return _render
