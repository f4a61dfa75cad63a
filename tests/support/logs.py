"""Read what our code logged, as the JSON lines production writes (structlog's captured events
rendered by the same JSON renderer)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from structlog.testing import capture_logs


@contextmanager
def captured_logs() -> Iterator[list[dict[str, Any]]]:
    with capture_logs() as entries:
        yield entries


def refusals(entries: list[dict[str, Any]], provider: str) -> list[dict[str, Any]]:
    return [
        entry
        for entry in entries
        if entry.get("event") == "webhook refused" and entry.get("provider") == provider
    ]


def as_lines(entries: list[dict[str, Any]]) -> str:
    return "\n".join(json.dumps(entry, default=str) for entry in entries)
