"""Validate the JSON bodies of ``/events`` and ``/batch_events`` with Pusher's limits, turning a
body into the ``(channel, name, data, socket_id)`` events it publishes.

Limits enforced as Pusher documents them: event data at most 10 KB (413), at most 100 channels
per event, at most 10 events per batch, channel names of at most 164 characters from
``[-a-zA-Z0-9_=@,.;]``, event names of at most 200 characters (400 for the others).
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DATA_BYTES = 10 * 1024
MAX_CHANNELS = 100
MAX_BATCH = 10
MAX_CHANNEL_NAME = 164
MAX_EVENT_NAME = 200
CHANNEL_NAME = re.compile(r"^[-a-zA-Z0-9_=@,.;]+$")
SOCKET_ID = re.compile(r"^\d+\.\d+$")

Event = tuple[str, str, str, str | None]


class BadRequest(Exception):
    """Refused with ``status_code`` (400 or 413) and a plain-text reason, like Pusher."""

    def __init__(self, message: str, status_code: int = 400) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


def parse_json(body: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise BadRequest("Request body is not valid JSON") from None
    if not isinstance(parsed, dict):
        raise BadRequest("Request body must be a JSON object")
    return parsed


def trigger_events(body: dict[str, Any]) -> list[Event]:
    """``{"name", "data", "channels": [...] | "channel", "socket_id"?}`` → one event per channel."""
    name, data, socket_id = _name(body), _data(body), _socket_id(body)
    if "channels" in body:
        channels = body["channels"]
        if not isinstance(channels, list) or not all(isinstance(c, str) for c in channels):
            raise BadRequest("channels must be an array of strings")
    elif isinstance(body.get("channel"), str):
        channels = [body["channel"]]
    else:
        raise BadRequest("Missing channels")
    if not channels:
        raise BadRequest("channels must not be empty")
    if len(channels) > MAX_CHANNELS:
        raise BadRequest(f"Too many channels: at most {MAX_CHANNELS} per event ({len(channels)})")
    return [(_channel(channel), name, data, socket_id) for channel in channels]


def batch_events(body: dict[str, Any]) -> list[Event]:
    """``{"batch": [{"channel", "name", "data", "socket_id"?}, ...]}`` with at most 10 entries."""
    batch = body.get("batch")
    if not isinstance(batch, list) or not batch:
        raise BadRequest("batch must be a non-empty array of events")
    if len(batch) > MAX_BATCH:
        raise BadRequest(f"Batch too large: at most {MAX_BATCH} events, got {len(batch)}")
    events: list[Event] = []
    for entry in batch:
        if not isinstance(entry, dict) or not isinstance(entry.get("channel"), str):
            raise BadRequest("Every batch event needs a channel (a string)")
        events.append((_channel(entry["channel"]), _name(entry), _data(entry), _socket_id(entry)))
    return events


def _name(body: dict[str, Any]) -> str:
    name = body.get("name")
    if not isinstance(name, str) or not name:
        raise BadRequest("Missing event name")
    if len(name) > MAX_EVENT_NAME:
        raise BadRequest(f"Event name too long: at most {MAX_EVENT_NAME} characters")
    return name


def _data(body: dict[str, Any]) -> str:
    data = body.get("data")
    if not isinstance(data, str):
        raise BadRequest("data must be a string")
    if len(data.encode()) > MAX_DATA_BYTES:
        raise BadRequest(f"Payload too large: event data over {MAX_DATA_BYTES} bytes", 413)
    return data


def _channel(name: str) -> str:
    if len(name) > MAX_CHANNEL_NAME or not CHANNEL_NAME.fullmatch(name):
        raise BadRequest(f"Invalid channel name: {name[:MAX_CHANNEL_NAME]!r}")
    return name


def _socket_id(body: dict[str, Any]) -> str | None:
    socket_id = body.get("socket_id")
    if socket_id is None:
        return None
    if not isinstance(socket_id, str) or not SOCKET_ID.fullmatch(socket_id):
        raise BadRequest("Invalid socket_id")
    return socket_id
