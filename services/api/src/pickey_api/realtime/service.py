"""Who may subscribe to which realtime channel, and the signed answer Pusher expects.

Channels (named in :mod:`pickey_core.providers.pusher`):

* ``private-user-<user id>``: only that user.
* ``private-creator-<creator id>``: the creator and fans holding a membership (active or
  past due, as for post access). Followers get their realtime notifications on their own user
  channel instead: what a creator's channel carries is for members.
* ``presence-live-<post id>``: viewers who may read that live post (its creator, or an entitled
  viewer per :mod:`pickey_api.post_access.gate`); members appear with their display name.

Anything else, including a well-formed name of a channel the user may not join or of something
that does not exist, is 403 ``channel_not_permitted``: the answer never tells whether the
creator or post exists.
"""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.post_access.entitlements import held_memberships, owned_creator_ids
from pickey_api.post_access.gate import PostLocked, readable_post
from pickey_api.realtime.schemas import ChannelAuth, ChannelAuthRequest
from pickey_core.errors import NotPermitted
from pickey_core.models import PostKind, User
from pickey_core.post_readiness import PostNotFound
from pickey_core.providers.pusher import (
    CREATOR_CHANNEL_PREFIX,
    LIVE_CHANNEL_PREFIX,
    USER_CHANNEL_PREFIX,
    PusherConfig,
    parse_channel,
    presence_channel_auth,
    presence_channel_data,
    private_channel_auth,
)


class ChannelNotPermitted(NotPermitted):
    code = "channel_not_permitted"


async def authorize(
    session: AsyncSession, user: User, pusher: PusherConfig, request: ChannelAuthRequest
) -> ChannelAuth:
    parsed = parse_channel(request.channel_name)
    if parsed is None:
        raise ChannelNotPermitted("No such channel.")
    prefix, target_id = parsed
    if prefix == USER_CHANNEL_PREFIX:
        allowed = target_id == user.id
    elif prefix == CREATOR_CHANNEL_PREFIX:
        allowed = await _may_follow_creator_channel(session, user.id, target_id)
    else:
        assert prefix == LIVE_CHANNEL_PREFIX
        allowed = await _may_watch_live(session, user.id, target_id)
    if not allowed:
        raise ChannelNotPermitted("You may not subscribe to this channel.")
    if prefix == LIVE_CHANNEL_PREFIX:
        channel_data = presence_channel_data(str(user.id), {"name": user.display_name})
        auth = presence_channel_auth(
            pusher.key, pusher.secret, request.socket_id, request.channel_name, channel_data
        )
        return ChannelAuth(auth=auth, channel_data=channel_data)
    auth = private_channel_auth(pusher.key, pusher.secret, request.socket_id, request.channel_name)
    return ChannelAuth(auth=auth)


async def _may_follow_creator_channel(
    session: AsyncSession, user_id: uuid.UUID, creator_id: uuid.UUID
) -> bool:
    if creator_id in await owned_creator_ids(session, user_id):
        return True
    return creator_id in await held_memberships(session, user_id, {creator_id})


async def _may_watch_live(session: AsyncSession, user_id: uuid.UUID, post_id: uuid.UUID) -> bool:
    try:
        post, _ = await readable_post(session, user_id, post_id)
    except (PostNotFound, PostLocked):
        return False
    return post.kind is PostKind.LIVE
