"""The body the Pusher JS client sends to authorize a subscription, and our answer."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from pickey_core.providers.pusher import CHANNEL_NAME, MAX_CHANNEL_NAME_LENGTH, SOCKET_ID


class ChannelAuthRequest(BaseModel):
    """``socket_id`` and ``channel_name``, form-encoded (the Pusher JS default) or JSON."""

    model_config = ConfigDict(extra="forbid")

    socket_id: str = Field(
        max_length=65, pattern=SOCKET_ID.pattern, description="e.g. `123456.7890123`"
    )
    channel_name: str = Field(
        min_length=1,
        max_length=MAX_CHANNEL_NAME_LENGTH,
        pattern=CHANNEL_NAME.pattern,
        description="`private-user-<user id>`, `private-creator-<creator id>` or "
        "`presence-live-<post id>`.",
    )


class ChannelAuth(BaseModel):
    auth: str = Field(description="`<key>:<signature>`, passed to Pusher by the client.")
    channel_data: str | None = Field(
        default=None,
        description="Presence channels only: the signed member data, to pass on unchanged.",
    )
