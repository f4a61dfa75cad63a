"""Every image is built from one Dockerfile (infra/images/Dockerfile) with its own build
arguments, and follows the same rules: multi-stage, dependencies before sources (two-step uv sync
with cache mounts), wheels not editable installs, a final stage with only the virtual
environment, pinned base images, non-root, no secrets in ENV/ARG."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.images import DOCKERFILE, build_script_arguments

ROOT = Path(__file__).resolve().parents[2]
# Image -> the workspace member it installs (its package is pickey-<image>).
IMAGES = {
    "api": "services/api",
    "payments": "services/payments",
    "media": "services/media",
    "notifications": "services/notifications",
    "sandbox": "libs/sandbox",
    "backup": "libs/backup",
}
BUILD_TOOLS = re.compile(r"\b(gcc|g\+\+|make|build-essential|python3?-dev|uv sync|pip install)\b")
SECRET_NAMES = re.compile(r"(SECRET|PASSWORD|PASSPHRASE|API_KEY|PRIVATE_KEY|TOKEN)", re.IGNORECASE)


@dataclass
class Stage:
    base: str
    name: str | None
    instructions: list[tuple[str, str]] = field(default_factory=list)

    def all(self, keyword: str) -> list[str]:
        return [argument for word, argument in self.instructions if word == keyword]


def parse(path: Path) -> tuple[dict[str, str], list[Stage]]:
    """Global ARG defaults and the stages, with continuation lines joined."""
    text = re.sub(r"\\\n", " ", path.read_text())
    arguments: dict[str, str] = {}
    stages: list[Stage] = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        word, _, argument = line.partition(" ")
        word = word.upper()
        if word == "FROM":
            match = re.fullmatch(r"(\S+)(?:\s+AS\s+(\S+))?", argument.strip(), re.IGNORECASE)
            assert match, line
            stages.append(Stage(match.group(1), match.group(2)))
        elif stages:
            stages[-1].instructions.append((word, argument))
        elif word == "ARG":
            name, _, default = argument.partition("=")
            arguments[name] = default
    return arguments, stages


def resolved(image: str, arguments: dict[str, str]) -> str:
    return re.sub(r"\$\{(\w+)\}", lambda match: arguments.get(match.group(1), ""), image)


def workspace_members() -> list[str]:
    return sorted(str(path.parent.relative_to(ROOT)) for path in ROOT.glob("*/*/pyproject.toml"))


def test_image_rules() -> None:
    dockerfile = DOCKERFILE
    package = "$PACKAGE"
    arguments, stages = parse(ROOT / dockerfile)
    stage_names = {stage.name for stage in stages}
    build = next(stage for stage in stages if stage.name == "build")
    final = stages[-1]
    runs = build.all("RUN")

    # Multi-stage, every base pinned to a version (a tag with a digit, or a digest).
    assert len(stages) >= 3
    for stage in stages:
        image = resolved(stage.base, arguments)
        if image not in stage_names:
            assert re.search(r"(:[^:]*\d|@sha256:[0-9a-f]{64})", image), (dockerfile, image)
    # Two-step sync: third-party dependencies from lock files only, then our code as wheels.
    first = next(i for i, run in enumerate(runs) if "--no-install-workspace" in run)
    second = next(i for i, run in enumerate(runs) if "--no-editable" in run)
    copy_sources = next(
        i
        for i, (word, arg) in enumerate(build.instructions)
        if word == "COPY" and arg.startswith(". ")
    )
    run_positions = [i for i, (word, _) in enumerate(build.instructions) if word == "RUN"]
    assert run_positions[first] < copy_sources < run_positions[second]
    for run in (runs[first], runs[second]):
        assert f'--package "{package}"' in run
        assert "--locked" in run
        assert "--no-dev" in run
        assert "--mount=type=cache,target=/root/.cache/uv" in run
    # Step 1 sees every workspace member's pyproject (uv needs the whole workspace to resolve).
    for member in workspace_members():
        assert f"source={member}/pyproject.toml" in runs[first], (dockerfile, member)
    # The final stage: only the virtual environment from the build, no build tools, non-root.
    copies = final.all("COPY")
    assert copies == ["--from=build /app/.venv /app/.venv"]
    for run in final.all("RUN"):
        assert not BUILD_TOOLS.search(run), (dockerfile, run)
    user = final.all("USER")
    assert user
    assert re.fullmatch(r"[1-9]\d*:[1-9]\d*", user[-1]), user
    environment = " ".join(final.all("ENV"))
    assert "PYTHONDONTWRITEBYTECODE=1" in environment
    assert "PYTHONUNBUFFERED=1" in environment
    # The package's console script (exec: it is PID 1), DEFAULT_ARGS when given no arguments.
    assert 'IMAGE_COMMAND="${PACKAGE}"' in environment
    assert 'IMAGE_DEFAULT_ARGS="${DEFAULT_ARGS}"' in environment
    (entrypoint,) = final.all("ENTRYPOINT")
    assert 'exec \\"$IMAGE_COMMAND\\" \\"$@\\"' in entrypoint
    assert "set -- $IMAGE_DEFAULT_ARGS" in entrypoint
    # No secret in ENV or ARG of any stage (they stay in the image's history).
    for stage in stages:
        for word, argument in stage.instructions:
            if word in ("ENV", "ARG"):
                assert not SECRET_NAMES.search(argument), (dockerfile, argument)
    for name in arguments:
        assert not SECRET_NAMES.search(name)


@pytest.mark.parametrize("image", sorted(IMAGES))
def test_the_command_picks_the_role(image: str) -> None:
    package = f"pickey-{image}"
    member = IMAGES[image]
    scripts = tomllib.loads((ROOT / member / "pyproject.toml").read_text())["project"]["scripts"]
    assert list(scripts) == [package]
    arguments = build_script_arguments()[image]
    assert arguments["PACKAGE"] == package
    assert arguments["DEFAULT_ARGS"]


def test_every_workspace_package_with_a_command_has_an_image() -> None:
    with_scripts = {
        member
        for member in workspace_members()
        if tomllib.loads((ROOT / member / "pyproject.toml").read_text())["project"].get("scripts")
    }
    assert with_scripts == set(IMAGES.values())
    assert set(build_script_arguments()) == set(IMAGES)


def test_one_dockerfile() -> None:
    """Six near-identical copies drifted; the images differ only by build arguments."""
    copies = {
        str(path.relative_to(ROOT))
        for path in ROOT.glob("*/*/Dockerfile")
        if ".venv" not in path.parts
    }
    assert copies == {DOCKERFILE}


def test_only_the_backup_image_has_the_postgresql_client() -> None:
    arguments = build_script_arguments()
    assert {name for name, args in arguments.items() if args.get("POSTGRES_CLIENT")} == {"backup"}
    assert arguments["payments"]["APT_PACKAGES"] == "fonts-dejavu-core"


def test_dockerignore_keeps_images_small() -> None:
    rules = [
        line
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert rules[0] == "**"  # everything is excluded unless listed
    allowed = {rule.removeprefix("!") for rule in rules if rule.startswith("!")}
    assert allowed == {"pyproject.toml", "uv.lock", "README.md", "libs/**", "services/**"}
    for noise in ("**/__pycache__", "**/.pytest_cache", "**/.mypy_cache"):
        assert noise in rules


def test_every_base_image_is_a_build_argument() -> None:
    """BuildKit, buildah and the pipeline build the same file from any registry or none: every
    external base is an ARG whose default is the official image (production stays on it)."""
    dockerfile = DOCKERFILE
    arguments, stages = parse(ROOT / dockerfile)
    stage_names = {stage.name for stage in stages}
    external = [stage.base for stage in stages if stage.base not in stage_names]
    assert external
    for base in external:
        match = re.fullmatch(r"\$\{(\w+)\}", base)
        assert match, (dockerfile, base)
        assert match.group(1) in arguments, (dockerfile, base)
    assert arguments["PYTHON_IMAGE"].startswith("python:3.11")
    assert arguments["UV_IMAGE"].startswith("ghcr.io/astral-sh/uv:")


def test_mount_targets_are_absolute() -> None:
    """buildah (1.28, Debian bookworm's) refuses relative `RUN --mount` targets."""
    dockerfile = DOCKERFILE
    text = (ROOT / dockerfile).read_text()
    targets = re.findall(r"--mount=\S*target=([^,\s]+)", text)
    assert targets
    for target in targets:
        assert target.startswith("/"), (dockerfile, target)


def test_nothing_is_downloaded_outside_package_managers() -> None:
    """No curl/wget of keys or scripts: apt and uv (with their own verification) only."""
    dockerfile = DOCKERFILE
    text = (ROOT / dockerfile).read_text()
    assert not re.search(r"\b(curl|wget)\b", text), dockerfile


def test_the_backup_client_comes_from_a_build_argument() -> None:
    arguments, stages = parse(ROOT / DOCKERFILE)
    final = stages[-1]
    assert arguments["POSTGRES_MAJOR"] == "16"
    assert arguments["POSTGRES_APT_REPOSITORY"] == "pgdg"
    assert {"POSTGRES_CLIENT", "POSTGRES_MAJOR", "POSTGRES_APT_REPOSITORY"} <= set(final.all("ARG"))
    (install,) = final.all("RUN")[:1]
    assert "postgresql-client-${POSTGRES_MAJOR}" in install
    # The pgdg repository is trusted with the key Debian's postgresql-common ships.
    assert "signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc" in install
