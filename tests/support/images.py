"""The images as the build script makes them: one Dockerfile, build arguments per image."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = "infra/images/Dockerfile"


def build_script_arguments() -> dict[str, dict[str, str]]:
    """Each image's own build arguments as ``infra/images/build.sh`` passes them."""
    text = (ROOT / "infra/images/build.sh").read_text()
    table = re.findall(r'^\s+(\w+)\) echo "(\w+=[^"]*)" ;;$', text, re.MULTILINE)
    return {name: dict(pair.split("=", 1) for pair in pairs.split("|")) for name, pairs in table}


def dockerfile_defaults() -> dict[str, str]:
    """The Dockerfile's global build arguments that have a default (base images, PostgreSQL)."""
    text = (ROOT / DOCKERFILE).read_text()
    return dict(re.findall(r"^ARG (\w+)=(\S+)$", text, re.MULTILINE))
