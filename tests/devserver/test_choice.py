"""Which servers are embedded: the settings' values and the decision rules."""

from __future__ import annotations

import pytest

from pickey_devserver.choice import (
    ConfigError,
    Endpoint,
    Mode,
    read_mode,
    read_port,
    wants_embedded,
)


@pytest.mark.parametrize(
    ("raw", "mode"), [("", Mode.AUTO), ("auto", Mode.AUTO), (" ON ", Mode.ON), ("off", Mode.OFF)]
)
def test_the_mode_is_read_from_its_variable(raw: str, mode: Mode) -> None:
    assert read_mode({"PICKEY_DEV_EMBEDDED": raw}, "PICKEY_DEV_EMBEDDED") is mode


def test_an_unset_mode_is_auto() -> None:
    assert read_mode({}, "PICKEY_TEST_EMBEDDED") is Mode.AUTO


@pytest.mark.parametrize("raw", ["yes", "1", "embedded", "true"])
def test_an_unknown_mode_names_the_variable_and_the_choices(raw: str) -> None:
    with pytest.raises(ConfigError, match=r"PICKEY_DEV_EMBEDDED must be auto, on or off"):
        read_mode({"PICKEY_DEV_EMBEDDED": raw}, "PICKEY_DEV_EMBEDDED")


@pytest.mark.parametrize("raw", ["0", "65536", "abc", "-5", "80.5"])
def test_a_bad_port_names_its_variable(raw: str) -> None:
    with pytest.raises(ConfigError, match="DEV_POSTGRES_PORT must be a TCP port"):
        read_port({"DEV_POSTGRES_PORT": raw}, "DEV_POSTGRES_PORT", 5432)


def test_the_port_defaults_to_the_configured_one() -> None:
    assert read_port({}, "DEV_REDIS_PORT", 6379) == 6379
    assert read_port({"DEV_REDIS_PORT": "16379"}, "DEV_REDIS_PORT", 6379) == 16379


def test_endpoints_come_from_the_configured_urls() -> None:
    database = Endpoint.from_url(
        "postgresql+asyncpg://postgres:secret@db.local:6543/pickey_dev",
        default_port=5432,
        default_database="pickey",
    )
    assert database == Endpoint("db.local", 6543, "pickey_dev")
    queue = Endpoint.from_url("redis://127.0.0.1/3", default_port=6379, default_database="0")
    assert queue == Endpoint("127.0.0.1", 6379, "3")


@pytest.mark.parametrize(
    ("mode", "answers", "expected"),
    [
        (Mode.AUTO, False, True),
        (Mode.AUTO, True, False),
        (Mode.ON, True, True),
        (Mode.ON, False, True),
        (Mode.OFF, False, False),
        (Mode.OFF, True, False),
    ],
)
@pytest.mark.parametrize("environment", ["development", "test"])
def test_embedded_when_forced_or_nothing_answers(
    mode: Mode, answers: bool, expected: bool, environment: str
) -> None:
    chosen = wants_embedded(
        mode, answers=answers, environment=environment, mode_variable="PICKEY_DEV_EMBEDDED"
    )
    assert chosen is expected


@pytest.mark.parametrize("environment", ["staging", "production"])
def test_never_embedded_outside_development(environment: str) -> None:
    assert not wants_embedded(
        Mode.AUTO, answers=False, environment=environment, mode_variable="PICKEY_DEV_EMBEDDED"
    )
    with pytest.raises(ConfigError, match=f"PICKEY_ENVIRONMENT is '{environment}'"):
        wants_embedded(
            Mode.ON, answers=False, environment=environment, mode_variable="PICKEY_DEV_EMBEDDED"
        )
