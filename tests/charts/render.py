"""``python -m tests.charts.render CHART [VALUES...]`` prints what Helm would install;
``python -m tests.charts.render --lint`` renders every chart with every values file and validates
each object against the Kubernetes schemas (``just charts-render`` / ``just charts-lint``)."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import helm_python as helm

from tests.charts.helm import APPLICATION_CHARTS, prepare, render, render_text, values_files
from tests.charts.kubernetes_schemas import InvalidManifest, validate


def lint(charts: Path) -> int:
    problems = 0
    for chart in APPLICATION_CHARTS:
        for files in [[], *([path] for path in values_files(chart))]:
            label = f"{chart} ({files[0].name if files else 'defaults'})"
            try:
                manifests = render(charts, chart, files)
                for manifest in manifests:
                    validate(manifest)
            except (helm.HelmError, InvalidManifest) as error:
                problems += 1
                print(f"FAIL {label}: {error}")
            else:
                print(f"ok   {label}: {len(manifests)} objects")
    return 1 if problems else 0


def main(argv: list[str]) -> int:
    with tempfile.TemporaryDirectory() as scratch:
        charts = prepare(Path(scratch))
        if argv == ["--lint"]:
            return lint(charts)
        if not argv:
            print(__doc__, file=sys.stderr)
            return 2
        chart, *files = argv
        print(render_text(render(charts, chart, [Path(file) for file in files])), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
