"""``python -m tests.infra.gitops_release ENVIRONMENT REVISION``: write what an environment runs
into ``infra/gitops/envs/<environment>/release.yaml`` (``just gitops-release``).

The pipeline's GitOps jobs call it with the image tags the ``image-tags`` job computed
(``API_IMAGE_TAG``, ..., ``BACKUP_IMAGE_TAG`` in the environment) and the revision of the charts
(the commit on main for dev, the version tag for prod), then commit the file; Argo CD's
ApplicationSet of that environment reads it and follows.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
ENVIRONMENTS = ("dev", "prod")
# release.yaml's image key -> the variable the image-tags job sets.
IMAGES = {
    "api": "API_IMAGE_TAG",
    "payments": "PAYMENTS_IMAGE_TAG",
    "media": "MEDIA_IMAGE_TAG",
    "notifications": "NOTIFICATIONS_IMAGE_TAG",
    "backup": "BACKUP_IMAGE_TAG",
}
# A Git revision or an image tag: what Git and OCI registries accept, and nothing YAML could
# read as anything but a plain string once quoted.
_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


class ReleaseError(ValueError):
    """A missing or malformed tag or revision: nothing is written."""


def release_path(environment: str, root: Path = ROOT) -> Path:
    return root / "infra" / "gitops" / "envs" / environment / "release.yaml"


def render(revision: str, tags: dict[str, str], header: str) -> str:
    lines = [header.rstrip("\n"), f'chartRevision: "{revision}"', "images:"]
    lines += [f'  {image}: "{tags[image]}"' for image in IMAGES]
    return "\n".join(lines) + "\n"


def header_of(path: Path) -> str:
    """The file's leading comment, kept as it is."""
    kept = []
    for line in path.read_text().splitlines():
        if not line.startswith("#"):
            break
        kept.append(line)
    return "\n".join(kept)


def write(
    environment: str, revision: str, environ: dict[str, str] | os._Environ[str], root: Path = ROOT
) -> Path:
    if environment not in ENVIRONMENTS:
        raise ReleaseError(
            f"unknown environment {environment!r} (known: {', '.join(ENVIRONMENTS)})"
        )
    if not _SAFE.match(revision):
        raise ReleaseError(f"not a Git revision: {revision!r}")
    tags = {}
    for image, variable in IMAGES.items():
        tag = environ.get(variable, "")
        if not _SAFE.match(tag):
            raise ReleaseError(f"{variable} is missing or not an image tag: {tag!r}")
        tags[image] = tag
    path = release_path(environment, root)
    path.write_text(render(revision, tags, header_of(path)))
    return path


def main(arguments: list[str]) -> None:
    if len(arguments) != 2:
        raise SystemExit("usage: python -m tests.infra.gitops_release ENVIRONMENT REVISION")
    try:
        path = write(arguments[0], arguments[1], os.environ)
    except ReleaseError as error:
        raise SystemExit(f"gitops-release: {error}") from error
    print(path.read_text(), end="")


if __name__ == "__main__":
    main(sys.argv[1:])
