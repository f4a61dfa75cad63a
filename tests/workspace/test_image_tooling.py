"""The project's own files say how images are built without Docker: the containers.conf podman and
buildah read (runc, cgroupfs, file events, ulimits; crun does not start containers on our CI
machines), buildah's flags (chroot isolation, host network, never pull), and the recipes that
use them. `just images-smoke` runs them for real; this keeps the settings from drifting."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_containers_conf_is_what_this_machine_needs() -> None:
    conf = tomllib.loads((ROOT / "infra/images/containers.conf").read_text())
    assert conf["engine"]["runtime"] == "runc"
    assert conf["engine"]["cgroup_manager"] == "cgroupfs"
    assert conf["engine"]["events_logger"] == "file"
    assert sorted(conf["containers"]["default_ulimits"]) == [
        "nofile=20000:20000",
        "nproc=4096:4096",
    ]


def test_build_script_uses_buildah_without_any_registry() -> None:
    script = (ROOT / "infra/images/build.sh").read_text()
    line = " ".join(re.sub(r"\\\n", " ", script).split())
    buildah = line.split("buildah bud", 1)[1].split("\n", 1)[0]
    for flag in ("--isolation=chroot", "--network=host", "--pull=never", "--layers"):
        assert flag in buildah, flag
    assert 'CONTAINERS_CONF="${CONTAINERS_CONF:-$PWD/infra/images/containers.conf}"' in script
    assert "docker info" in script  # Docker when an engine answers
    for argument in ("PYTHON_IMAGE", "UV_IMAGE", "POSTGRES_APT_REPOSITORY", "POSTGRES_MAJOR"):
        assert f"add_arg {argument} " in script, argument


def test_base_script_bootstraps_debian_from_the_machines_mirror() -> None:
    script = (ROOT / "infra/images/base.sh").read_text()
    assert "debootstrap --variant=minbase" in script
    assert "bookworm" in script
    assert "/etc/apt/sources.list" in script
    assert "podman import" in script
    assert 'podman image exists "$IMAGE"' in script  # cached between runs


def test_recipes_and_ci_run_them() -> None:
    justfile = (ROOT / "justfile").read_text()
    assert "infra/images/build.sh {{ names }}" in justfile
    assert "PICKEY_IMAGE_ENGINE=buildah infra/images/build.sh" in justfile
    assert "python -m tests.images.smoke" in justfile
    ci = (ROOT / ".ci/run").read_text()
    assert "uv run just images-smoke" in ci
    for package in ("podman", "buildah", "runc", "debootstrap", "prometheus"):
        assert re.search(rf"\b{package}\b", ci), package
