"""Pusher Channels: configuration, channel authorization and REST request signing.

No HTTP client here, only the signatures both sides of Pusher need, so that the api (which
authorizes browsers to join private and presence channels), the notifications service (which
signs its calls to the events API) and the sandbox (which verifies those calls exactly like
Pusher) compute them one way:

- Channel authorization: ``"<key>:" + hex HMAC-SHA256(secret, "<socket_id>:<channel_name>")``;
  presence channels sign ``"<socket_id>:<channel_name>:<channel_data>"``, where
  ``channel_data`` is the JSON string handed back to the browser byte for byte.
- REST requests: query ``auth_key``, ``auth_timestamp``, ``auth_version=1.0`` and ``body_md5``
  (hex MD5 of the body) when there is one; ``auth_signature`` is hex HMAC-SHA256(secret,
  ``"<METHOD>\\n<path>\\n<query sorted by key, not URL-escaped>"``).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import uuid
from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator

AUTH_VERSION = "1.0"

MAX_CHANNEL_NAME_LENGTH = 164
CHANNEL_NAME = re.compile(r"^[-a-zA-Z0-9_=@,.;]+$")
# A socket id as Pusher issues it: two numbers joined by a dot (e.g. "123.456").
SOCKET_ID = re.compile(r"^[0-9]{1,32}\.[0-9]{1,32}$")

PRIVATE_PREFIX = "private-"
PRESENCE_PREFIX = "presence-"

# Limits of the events API: data of one event, channels of one trigger, events of one batch.
MAX_EVENT_DATA_BYTES = 10 * 1024
MAX_CHANNELS_PER_EVENT = 100
MAX_EVENTS_PER_BATCH = 10


class PusherConfig(BaseModel):
    """Which Pusher app to use (``PICKEY_PUSHER__...``).

    The defaults serve development and tests only: the secret's default is a placeholder, which
    the settings base refuses outside development, so a deployment must set real credentials.
    """

    model_config = ConfigDict(frozen=True)

    app_id: str = Field(
        default="sandbox", min_length=1, description="Pusher app id (a string, never a number)."
    )
    key: str = Field(
        default="sandbox-key", min_length=1, description="Pusher app key (public, also in SPA)."
    )
    secret: SecretStr = Field(
        default=SecretStr("sandbox"),
        description="Pusher app secret: signs channel authorizations and API requests.",
    )
    cluster: str = Field(
        default="eu", pattern=r"^[a-z0-9-]{1,32}$", description="Pusher cluster, e.g. eu or mt1."
    )
    base_url: str | None = Field(
        default=None,
        description="Events API root; empty means https://api-{cluster}.pusher.com "
        "(the sandbox in development and tests).",
    )
    timeout_seconds: float = Field(
        default=10, gt=0, le=60, description="Per-request timeout of events API calls."
    )

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str | None) -> str | None:
        return value.rstrip("/") if value else None

    @property
    def api_url(self) -> str:
        return self.base_url or f"https://api-{self.cluster}.pusher.com"


def _hmac_sha256(secret: SecretStr | str, message: str) -> str:
    raw = secret.get_secret_value() if isinstance(secret, SecretStr) else secret
    return hmac.new(raw.encode(), message.encode(), hashlib.sha256).hexdigest()


def is_valid_channel_name(name: str) -> bool:
    return len(name) <= MAX_CHANNEL_NAME_LENGTH and CHANNEL_NAME.fullmatch(name) is not None


def is_valid_socket_id(socket_id: str) -> bool:
    return SOCKET_ID.fullmatch(socket_id) is not None


def private_channel_auth(
    key: str, secret: SecretStr | str, socket_id: str, channel_name: str
) -> str:
    """The ``auth`` value that lets ``socket_id`` subscribe to a private channel."""
    return f"{key}:{_hmac_sha256(secret, f'{socket_id}:{channel_name}')}"


def presence_channel_data(user_id: str | int, user_info: Mapping[str, Any]) -> str:
    """The member's ``channel_data``: compact ASCII JSON, signed and returned unchanged.

    ASCII escapes (``\\u00ed`` for í) keep the signed bytes free of any encoding ambiguity
    between us, the browser and Pusher.
    """
    return json.dumps({"user_id": user_id, "user_info": dict(user_info)}, separators=(",", ":"))


def presence_channel_auth(
    key: str, secret: SecretStr | str, socket_id: str, channel_name: str, channel_data: str
) -> str:
    """The ``auth`` value for a presence channel; ``channel_data`` is signed as given."""
    return f"{key}:{_hmac_sha256(secret, f'{socket_id}:{channel_name}:{channel_data}')}"


def body_md5(body: bytes) -> str:
    return hashlib.md5(body).hexdigest()  # noqa: S324 - Pusher's protocol, not a security hash


def string_to_sign(method: str, path: str, query: Mapping[str, str]) -> str:
    """``"<METHOD>\\n<path>\\n<k=v&...>"``: keys lower-cased and sorted, values not escaped;
    ``auth_signature`` itself is never part of what is signed."""
    pairs = sorted(
        (name.lower(), value) for name, value in query.items() if name != "auth_signature"
    )
    joined = "&".join(f"{name}={value}" for name, value in pairs)
    return f"{method.upper()}\n{path}\n{joined}"


def request_signature(
    secret: SecretStr | str, method: str, path: str, query: Mapping[str, str]
) -> str:
    return _hmac_sha256(secret, string_to_sign(method, path, query))


def signed_query(
    config: PusherConfig,
    method: str,
    path: str,
    *,
    body: bytes | None,
    timestamp: int,
    params: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The query string of a signed events API request (``params`` plus the auth fields)."""
    query = dict(params or {})
    query.update(auth_key=config.key, auth_timestamp=str(timestamp), auth_version=AUTH_VERSION)
    if body:
        query["body_md5"] = body_md5(body)
    query["auth_signature"] = request_signature(config.secret, method, path, query)
    return query


# Pickey's channels. The api authorizes subscriptions to them; the notifications service
# triggers events on them. Ids are canonical (lower-case) UUIDs.
USER_CHANNEL_PREFIX = "private-user-"
CREATOR_CHANNEL_PREFIX = "private-creator-"
LIVE_CHANNEL_PREFIX = "presence-live-"


def user_channel(user_id: uuid.UUID) -> str:
    """One user's own events (their notifications); only that user may subscribe."""
    return f"{USER_CHANNEL_PREFIX}{user_id}"


def creator_channel(creator_id: uuid.UUID) -> str:
    """A creator's events for their members (new posts, going live); the creator and fans
    holding a membership may subscribe."""
    return f"{CREATOR_CHANNEL_PREFIX}{creator_id}"


def live_channel(post_id: uuid.UUID) -> str:
    """Who is watching a live post; viewers entitled to the post may join."""
    return f"{LIVE_CHANNEL_PREFIX}{post_id}"


def parse_channel(name: str) -> tuple[str, uuid.UUID] | None:
    """``(prefix, id)`` of one of Pickey's channel names, or None for any other name (including
    a non-canonical spelling of an id, which would be a different Pusher channel)."""
    for prefix in (USER_CHANNEL_PREFIX, CREATOR_CHANNEL_PREFIX, LIVE_CHANNEL_PREFIX):
        if name.startswith(prefix):
            rest = name.removeprefix(prefix)
            try:
                parsed = uuid.UUID(rest)
            except ValueError:
                return None
            return (prefix, parsed) if str(parsed) == rest else None
    return None
