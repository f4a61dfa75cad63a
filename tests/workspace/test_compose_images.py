"""compose.yaml runs locally built images (``just images`` tags ``localhost/pickey-NAME:dev``) or
any others named by environment variables, passes the Dockerfile's build arguments through, and
gives every process more time to stop than it takes to drain."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from pickey_core.settings import PickeySettings, WorkerConfig
from tests.support.images import DOCKERFILE, build_script_arguments, dockerfile_defaults

ROOT = Path(__file__).resolve().parents[2]
COMPOSE: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text())
SERVICES: dict[str, Any] = COMPOSE["services"]
OURS = {name: service for name, service in SERVICES.items() if "build" in service}
DEFAULT_STOP_GRACE_SECONDS = 10  # compose's own default
VARIABLE = re.compile(r"\$\{(\w+):-([^}]*)\}")


def seconds(duration: str) -> float:
    """A compose duration (``1m30s``, ``40s``) in seconds."""
    units = {"h": 3600, "m": 60, "s": 1, "ms": 0.001}
    parts = re.findall(r"(\d+(?:\.\d+)?)(ms|h|m|s)", duration)
    assert parts, duration
    assert "".join(a + b for a, b in parts) == duration, duration
    return sum(float(amount) * units[unit] for amount, unit in parts)


def with_defaults(text: str) -> str:
    return VARIABLE.sub(lambda match: match.group(2), text)


def setting(service: dict[str, Any], variable: str, default: float) -> float:
    value = (service.get("environment") or {}).get(variable)
    return float(value) if value is not None else default


@pytest.mark.parametrize("name", sorted(OURS))
def test_our_images_are_named_by_variables_defaulting_to_local_builds(name: str) -> None:
    service = OURS[name]
    image = service["image"]
    assert image.startswith("${PICKEY_IMAGE_PREFIX:-localhost/pickey-}"), image
    assert image.endswith(":${PICKEY_IMAGE_TAG:-dev}"), image
    assert service["build"]["dockerfile"] == DOCKERFILE
    built = service["build"]["args"]["PACKAGE"].removeprefix("pickey-")
    # What infra/images/build.sh tags.
    assert with_defaults(image) == f"localhost/pickey-{built}:dev"


@pytest.mark.parametrize("name", sorted(OURS))
def test_build_arguments_are_the_build_scripts(name: str) -> None:
    """The image's own arguments as build.sh passes them; the base images (and the backup's
    PostgreSQL client) from variables defaulting to the Dockerfile's defaults."""
    arguments = OURS[name]["build"]["args"]
    declared = dockerfile_defaults()
    own = {key: value for key, value in arguments.items() if key not in declared}
    assert own == build_script_arguments()[own["PACKAGE"].removeprefix("pickey-")], name
    passed = {key: value for key, value in arguments.items() if key in declared}
    expected = {"PYTHON_IMAGE", "UV_IMAGE"}
    if own.get("POSTGRES_CLIENT"):
        expected |= {"POSTGRES_MAJOR", "POSTGRES_APT_REPOSITORY"}
    assert set(passed) == expected, name
    for argument, value in passed.items():
        assert VARIABLE.fullmatch(value), (name, argument, value)
        assert with_defaults(value) == declared[argument], (name, argument)


def test_third_party_images_are_variables_too() -> None:
    for name, service in SERVICES.items():
        if name not in OURS:
            assert VARIABLE.fullmatch(service["image"]), (name, service["image"])


@pytest.mark.parametrize("name", sorted(n for n, s in SERVICES.items() if s.get("command")))
def test_stop_grace_outlasts_the_drain(name: str) -> None:
    service = SERVICES[name]
    command = service["command"]
    grace = seconds(service.get("stop_grace_period", f"{DEFAULT_STOP_GRACE_SECONDS}s"))
    if command == ["serve"]:
        drain = setting(
            service,
            "PICKEY_GRACEFUL_SHUTDOWN_SECONDS",
            PickeySettings.model_fields["graceful_shutdown_seconds"].default,
        )
    elif command == ["worker"]:
        drain = setting(
            service,
            "PICKEY_WORKER__JOB_COMPLETION_WAIT_SECONDS",
            WorkerConfig.model_fields["job_completion_wait_seconds"].default,
        )
    else:
        return  # one-shot commands (migrate, backup) are not stopped
    assert grace > drain, (name, grace, drain)


def test_the_duration_parser_reads_compose_durations() -> None:
    assert seconds("40s") == 40
    assert seconds("1m30s") == 90
    with pytest.raises(AssertionError):
        seconds("forty")
