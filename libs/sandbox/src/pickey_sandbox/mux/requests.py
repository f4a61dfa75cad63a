"""Read the JSON bodies of Mux's create calls, refusing what Mux refuses with a 400 in its shape.

Mux accepts ``playback_policies`` (a list) and the older ``playback_policy`` (a string or a
list); both are read, and objects are stored with the newer name. ``drm`` needs a DRM
configuration this sandbox does not have, so only ``public`` and ``signed`` pass.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from pickey_sandbox.mux.store import MuxApiError

MAX_PASSTHROUGH_LENGTH = 255
POLICIES = ("public", "signed")


def invalid(*messages: str) -> MuxApiError:
    return MuxApiError(400, "invalid_parameters", *messages)


def json_object(raw: bytes) -> dict[str, Any]:
    """The body as a JSON object; an empty body is an empty object."""
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise invalid("The request body is not valid JSON.") from error
    if not isinstance(body, dict):
        raise invalid("The request body must be a JSON object.")
    return body


@dataclass(frozen=True)
class UploadRequest:
    cors_origin: str | None
    new_asset_settings: dict[str, Any]
    test: bool


@dataclass(frozen=True)
class LiveStreamRequest:
    policies: list[str]
    passthrough: str | None
    new_asset_settings: dict[str, Any]


def upload_request(body: dict[str, Any]) -> UploadRequest:
    cors_origin = body.get("cors_origin")
    if cors_origin is not None and not isinstance(cors_origin, str):
        raise invalid("cors_origin must be a string.")
    test = body.get("test", False)
    if not isinstance(test, bool):
        raise invalid("test must be a boolean.")
    return UploadRequest(
        cors_origin=cors_origin,
        new_asset_settings=asset_settings(body.get("new_asset_settings"), "new_asset_settings"),
        test=test,
    )


def live_stream_request(body: dict[str, Any]) -> LiveStreamRequest:
    return LiveStreamRequest(
        policies=policies(body, ""),
        passthrough=passthrough(body.get("passthrough"), "passthrough"),
        new_asset_settings=asset_settings(body.get("new_asset_settings"), "new_asset_settings"),
    )


def asset_settings(value: Any, where: str) -> dict[str, Any]:
    """``new_asset_settings``: playback policies and passthrough, normalised."""
    if value is None:
        return {"playback_policies": []}
    if not isinstance(value, dict):
        raise invalid(f"{where} must be an object.")
    settings = {key: item for key, item in value.items() if key != "playback_policy"}
    settings["playback_policies"] = policies(value, f"{where}.")
    found = passthrough(value.get("passthrough"), f"{where}.passthrough")
    if found is not None:
        settings["passthrough"] = found
    return settings


def policies(container: dict[str, Any], prefix: str) -> list[str]:
    value = container.get("playback_policies", container.get("playback_policy", []))
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not all(isinstance(item, str) for item in values):
        raise invalid(f"{prefix}playback_policies must be a list of strings.")
    for item in values:
        if item not in POLICIES:
            raise invalid(f"{prefix}playback_policies: {item!r} is not one of public, signed.")
    return list(dict.fromkeys(values))


def passthrough(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise invalid(f"{where} must be a string.")
    if len(value) > MAX_PASSTHROUGH_LENGTH:
        raise invalid(f"{where} must be at most {MAX_PASSTHROUGH_LENGTH} characters.")
    return value
