"""Charts are prepared once per test process, as in tests/charts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.charts.helm import prepare


@pytest.fixture(scope="session")
def prepared_charts(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return prepare(tmp_path_factory.mktemp("charts"))
