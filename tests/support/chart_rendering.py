"""How chart tests render a Helm chart: a function from a chart and its values to the manifests
Helm prints."""

from __future__ import annotations

from collections.abc import Callable

from tests.charts.helm import Manifest

Render = Callable[..., list[Manifest]]
