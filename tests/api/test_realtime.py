"""``POST /api/v1/realtime/auth``: who may join which Pusher channel, signed as Pusher checks."""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass

import httpx
import pytest

from pickey_core.models import MembershipStatus, PostAccess, PostKind, PostStatus
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser
from tests.support.errors import assert_error
from tests.support.posts import Login
from tests.support.settings import PUSHER_KEY, PUSHER_SECRET

URL = "/api/v1/realtime/auth"
SOCKET = "123456.7890123"


@dataclass
class World:
    users: dict[str, ApiUser]
    creator_id: uuid.UUID
    live_post: uuid.UUID
    public_live_post: uuid.UUID
    draft_live_post: uuid.UUID
    members_text_post: uuid.UUID


@pytest.fixture
async def world(api_resources: Resources, login: Login) -> World:
    names = ["creator", "member", "past_due", "lapsed", "cheap_member", "follower", "stranger"]
    async with api_resources.unit_of_work() as session:
        rows = {name: await make.user(session, display_name=f"Fan {name}") for name in names}
        gordikey = await make.creator(session, rows["creator"])
        granulky = await make.tier(session, gordikey, 5900)
        steaky = await make.tier(session, gordikey, 9900)
        for name, tier, status in [
            ("member", steaky, MembershipStatus.ACTIVE),
            ("past_due", steaky, MembershipStatus.PAST_DUE),
            ("lapsed", steaky, MembershipStatus.LAPSED),
            ("cheap_member", granulky, MembershipStatus.ACTIVE),
        ]:
            await make.membership(session, rows[name], tier, status)
        await make.follow(session, rows["follower"], gordikey)
        live = await make.post(
            session, gordikey, kind=PostKind.LIVE, access=PostAccess.MEMBERS, tiers=[steaky]
        )
        public_live = await make.post(session, gordikey, kind=PostKind.LIVE)
        draft_live = await make.post(session, gordikey, kind=PostKind.LIVE, status=PostStatus.DRAFT)
        text = await make.post(session, gordikey, access=PostAccess.MEMBERS, tiers=[steaky])
    users = {name: await login(row) for name, row in rows.items()}
    return World(users, gordikey.id, live.id, public_live.id, draft_live.id, text.id)


def signature(message: str) -> str:
    return hmac.new(PUSHER_SECRET.encode(), message.encode(), hashlib.sha256).hexdigest()


async def authorize(user: ApiUser, channel: str, *, as_json: bool = False) -> httpx.Response:
    fields = {"socket_id": SOCKET, "channel_name": channel}
    if as_json:
        return await user.client.post(URL, json=fields)
    return await user.client.post(URL, data=fields)  # what the Pusher JS client sends


@pytest.mark.parametrize("as_json", [False, True])
async def test_a_user_joins_their_own_private_channel(world: World, as_json: bool) -> None:
    member = world.users["member"]
    channel = f"private-user-{member.id}"

    response = await authorize(member, channel, as_json=as_json)

    assert response.status_code == 200, response.text
    assert response.json() == {"auth": f"{PUSHER_KEY}:{signature(f'{SOCKET}:{channel}')}"}


async def test_nobody_joins_another_users_private_channel(world: World) -> None:
    response = await authorize(world.users["stranger"], f"private-user-{world.users['member'].id}")

    assert_error(response, 403, "channel_not_permitted")
    assert "auth" not in response.json()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("creator", True),
        ("member", True),
        ("past_due", True),
        ("cheap_member", True),
        ("lapsed", False),
        ("follower", False),
        ("stranger", False),
    ],
)
async def test_who_joins_a_creators_channel(world: World, who: str, allowed: bool) -> None:
    channel = f"private-creator-{world.creator_id}"

    response = await authorize(world.users[who], channel)

    if allowed:
        assert response.status_code == 200, response.text
        assert response.json()["auth"] == f"{PUSHER_KEY}:{signature(f'{SOCKET}:{channel}')}"
    else:
        assert_error(response, 403, "channel_not_permitted")


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("creator", True),
        ("member", True),
        ("past_due", True),
        ("cheap_member", False),
        ("lapsed", False),
        ("follower", False),
        ("stranger", False),
    ],
)
async def test_who_joins_a_members_live_posts_presence_channel(
    world: World, who: str, allowed: bool
) -> None:
    user = world.users[who]
    channel = f"presence-live-{world.live_post}"

    response = await authorize(user, channel)

    if not allowed:
        assert_error(response, 403, "channel_not_permitted")
        return
    assert response.status_code == 200, response.text
    body = response.json()
    assert json.loads(body["channel_data"]) == {
        "user_id": str(user.id),
        "user_info": {"name": f"Fan {who}"},
    }
    expected = signature(f"{SOCKET}:{channel}:{body['channel_data']}")
    assert body["auth"] == f"{PUSHER_KEY}:{expected}"


async def test_anyone_logged_in_joins_a_public_live_post(world: World) -> None:
    response = await authorize(world.users["stranger"], f"presence-live-{world.public_live_post}")

    assert response.status_code == 200, response.text


@pytest.mark.parametrize(
    "channel",
    [
        "presence-live-{draft_live_post}",  # not published
        "presence-live-{members_text_post}",  # not a live post
        "presence-live-{unknown}",
        "private-creator-{unknown}",
        "private-user-{unknown}",
        "private-user-{own_upper}",  # another spelling is another Pusher channel
        "private-user-{own_hex}",
        "private-live-{live_post}",
        "presence-user-{own}",
        "private-encrypted-user-{own}",
        "private-foobar",
        "public-updates",
    ],
)
async def test_channels_nobody_may_join(world: World, channel: str) -> None:
    creator = world.users["creator"]
    name = channel.format(
        draft_live_post=world.draft_live_post,
        members_text_post=world.members_text_post,
        live_post=world.live_post,
        unknown=uuid.uuid4(),
        own=creator.id,
        own_upper=str(creator.id).upper(),
        own_hex=creator.id.hex,
    )

    assert_error(await authorize(creator, name), 403, "channel_not_permitted")


@pytest.mark.parametrize(
    "body",
    [
        {"socket_id": "abc", "channel_name": "private-user-x"},
        {"socket_id": "1234", "channel_name": "private-user-x"},
        {"socket_id": "1234.1234:x", "channel_name": "private-user-x"},
        {"socket_id": "1234.1234\n", "channel_name": "private-user-x"},
        {"socket_id": "١٢.٣٤", "channel_name": "private-user-x"},
        {"socket_id": "1" * 40 + ".1", "channel_name": "private-user-x"},
        {"socket_id": SOCKET, "channel_name": "private-user x"},
        {"socket_id": SOCKET, "channel_name": "private-user/x"},
        {"socket_id": SOCKET, "channel_name": "private-" + "x" * 157},
        {"socket_id": SOCKET, "channel_name": ""},
        {"socket_id": SOCKET},
        {"channel_name": "private-user-x"},
        {"socket_id": SOCKET, "channel_name": "private-user-x", "user_id": "1"},
    ],
)
@pytest.mark.parametrize("as_json", [False, True])
async def test_malformed_requests_are_refused(
    world: World, body: dict[str, str], as_json: bool
) -> None:
    member = world.users["member"]
    response = await (
        member.client.post(URL, json=body) if as_json else member.client.post(URL, data=body)
    )

    assert_error(response, 422, "validation_error")


async def test_the_longest_channel_name_is_accepted_as_well_formed(world: World) -> None:
    response = await authorize(world.users["member"], "private-" + "x" * 156)

    assert_error(response, 403, "channel_not_permitted")


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (
            b"socket_id=1.1&socket_id=2.2&channel_name=private-x",
            "application/x-www-form-urlencoded",
        ),
        (b"socket_id=1.1&channel_name=private-\xff", "application/x-www-form-urlencoded"),
        (b"%%%", "application/x-www-form-urlencoded"),
        (b'{"socket_id": "1.1", "channel_name": ', "application/json"),
        (b'["1.1", "private-x"]', "application/json"),
        (b'{"socket_id": 1.1, "channel_name": "private-x"}', "application/json"),
    ],
)
async def test_bodies_that_are_not_one_form_or_object_are_refused(
    world: World, content: bytes, content_type: str
) -> None:
    response = await world.users["member"].client.post(
        URL, content=content, headers={"Content-Type": content_type}
    )

    assert_error(response, 422, "validation_error")


@pytest.mark.parametrize("content_type", ["text/plain", "multipart/form-data; boundary=x", None])
async def test_other_content_types_are_refused(world: World, content_type: str | None) -> None:
    member = world.users["member"]
    headers = {"Content-Type": content_type} if content_type else {}

    response = await member.client.post(
        URL, content=f"socket_id={SOCKET}&channel_name=private-user-{member.id}", headers=headers
    )

    assert_error(response, 415, "form_or_json_required")


async def test_authorizing_needs_a_session_and_the_csrf_header(
    api_client: httpx.AsyncClient, world: World
) -> None:
    member = world.users["member"]
    fields = {"socket_id": SOCKET, "channel_name": f"private-user-{member.id}"}

    anonymous = await api_client.post(URL, data=fields)
    forged = await member.client.post(URL, data=fields, headers={"X-CSRF-Token": "forged"})
    anonymous_bad_body = await api_client.post(URL, data={"socket_id": "x"})

    assert_error(anonymous, 401, "not_authenticated")
    assert_error(forged, 403, "csrf_failed")
    assert_error(anonymous_bad_body, 401, "not_authenticated")


async def test_the_schema_documents_form_and_json_bodies(api_client: httpx.AsyncClient) -> None:
    spec = (await api_client.get("/openapi.json")).json()
    operation = spec["paths"][URL]["post"]

    content = operation["requestBody"]["content"]
    assert set(content) == {"application/x-www-form-urlencoded", "application/json"}
    assert set(content["application/json"]["schema"]["required"]) == {"socket_id", "channel_name"}
    assert {"200", "401", "403", "415", "422"} <= set(operation["responses"])
