"""Whether to start an embedded server, from the settings and from what answers.

``PICKEY_DEV_EMBEDDED`` (``just dev``) and ``PICKEY_TEST_EMBEDDED`` (``just test``) take
``auto`` (the default: embedded only when the configured server does not answer), ``on`` (always
embedded, even when one answers: to try the PostgreSQL 18 of the wheel, or a clean stack beside
your own) or ``off`` (never; a server that does not answer fails as before). Embedded servers
are a laptop tool: they start only when ``PICKEY_ENVIRONMENT`` is ``development`` or ``test``, so
a staging or production configuration never silently gets an empty local database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

LOCAL_ENVIRONMENTS = ("development", "test")


class ConfigError(ValueError):
    """A setting with a value we cannot use; the message names the variable."""


class Mode(StrEnum):
    AUTO = "auto"
    ON = "on"
    OFF = "off"


def read_mode(environ: Mapping[str, str], variable: str) -> Mode:
    raw = environ.get(variable, "").strip().lower() or Mode.AUTO.value
    try:
        return Mode(raw)
    except ValueError:
        raise ConfigError(f"{variable} must be auto, on or off, not {raw!r}") from None


def read_port(environ: Mapping[str, str], variable: str, default: int) -> int:
    raw = environ.get(variable, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 0 < int(raw) < 65536:
        raise ConfigError(f"{variable} must be a TCP port (1-65535), not {raw!r}")
    return int(raw)


@dataclass(frozen=True)
class Endpoint:
    """Where a configured server is: host, port and the database (name or Redis number)."""

    host: str
    port: int
    database: str

    @classmethod
    def from_url(cls, url: str, *, default_port: int, default_database: str) -> Endpoint:
        parts = urlsplit(url)
        try:
            port = parts.port or default_port
        except ValueError:
            raise ConfigError(f"{url!r} has an invalid port") from None
        return cls(
            host=parts.hostname or "127.0.0.1",
            port=port,
            database=parts.path.lstrip("/") or default_database,
        )


def wants_embedded(mode: Mode, *, answers: bool, environment: str, mode_variable: str) -> bool:
    if mode is Mode.OFF:
        return False
    if environment not in LOCAL_ENVIRONMENTS:
        if mode is Mode.ON:
            raise ConfigError(
                f"{mode_variable}=on, but PICKEY_ENVIRONMENT is {environment!r}: embedded servers "
                f"are for {' and '.join(LOCAL_ENVIRONMENTS)} only"
            )
        return False
    return mode is Mode.ON or not answers
