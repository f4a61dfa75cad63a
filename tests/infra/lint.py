"""``python -m tests.infra.lint`` (part of ``just infra-lint``): the infrastructure checks that
need no cloud and no Terraform binary.

1. every ``.tf``/``.tfvars`` file of ``infra/terraform`` parses (python-hcl2) and keeps
   ``terraform fmt``'s alignment and indentation;
2. every Argo CD manifest of ``infra/gitops/bootstrap`` is valid against Argo CD's CRD schemas
   (vendored, unknown keys refused).

checkov runs next to it in the recipe; ``tests/infra`` holds the tests that tie the Terraform
outputs to the charts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from tests.infra import argocd_schemas, terraform

GITOPS = terraform.ROOT / "infra" / "gitops"


def manifests() -> list[Path]:
    return sorted((GITOPS / "bootstrap").glob("*.yaml"))


def main() -> None:
    problems: list[str] = []
    parsed = 0
    for path in terraform.files():
        try:
            terraform.parse(path)
        except Exception as error:  # the parser's errors (lark's) have no common base
            problems.append(f"{path.relative_to(terraform.ROOT)}: does not parse: {error}")
            continue
        parsed += 1
        problems += terraform.alignment_errors(path)
    validated = 0
    for path in manifests():
        for manifest in yaml.safe_load_all(path.read_text()):
            validated += 1
            name = f"{path.relative_to(terraform.ROOT)} ({manifest.get('kind')})"
            problems += [f"{name}: {error}" for error in argocd_schemas.errors(manifest)]
    print(f"terraform files parsed: {parsed}; Argo CD manifests validated: {validated}")
    if problems:
        print(*problems, sep="\n", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
