"""Video uploads and live streams through the api, with Mux played by the sandbox process over
real HTTP: what reaches Mux (passthrough, playback policy), what is stored, who may do it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select

from pickey_core.models import (
    LiveState,
    LiveStream,
    MediaAsset,
    MediaKind,
    MediaStatus,
    Post,
    PostAccess,
    PostKind,
    PostTier,
    User,
)
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser, UserFactory
from tests.support.creators import become_creator
from tests.support.db import all_rows, count
from tests.support.mux import MuxSandbox, emptied

pytestmark = pytest.mark.e2e

CORS_ORIGIN = "https://app.pickey.test"  # tests.support.settings: the test api's Mux origin


@pytest.fixture
def mux(sandbox_url: str) -> Iterator[MuxSandbox]:
    with emptied(sandbox_url) as sandbox:
        yield sandbox


@dataclass
class World:
    creator: ApiUser
    other_creator: ApiUser
    fan: ApiUser
    public_video: Post
    members_video: Post
    text_post: Post
    members_live: Post
    public_live: Post


@pytest.fixture
async def world(api_resources: Resources, make_user: UserFactory) -> World:
    creator, other_creator, fan = await make_user(), await make_user(), await make_user()
    await become_creator(other_creator.client, "other-creator")
    async with api_resources.unit_of_work() as session:
        owner = await session.get(User, creator.id)
        assert owner is not None
        gordikey = await make.creator(session, owner)
        steaky = await make.tier(session, gordikey, 9900)
        start = datetime.now(UTC) + timedelta(days=2)

        async def post(kind: PostKind, access: PostAccess = PostAccess.PUBLIC) -> Post:
            tiers = [steaky] if access is PostAccess.MEMBERS else None
            return await make.post(
                session, gordikey, kind=kind, access=access, tiers=tiers, media_ready=False
            )

        posts = [
            await post(PostKind.VIDEO),
            await post(PostKind.VIDEO, PostAccess.MEMBERS),
            await post(PostKind.TEXT),
            await post(PostKind.LIVE, PostAccess.MEMBERS),
            await post(PostKind.LIVE),
        ]
        # The posts side makes the stream row with the planned start when it makes a live post.
        session.add(LiveStream(post_id=posts[3].id, scheduled_start_at=start, state=LiveState.IDLE))
    return World(creator, other_creator, fan, *posts)


def video_url(post: Post) -> str:
    return f"/api/v1/posts/{post.id}/video"


def live_url(post: Post) -> str:
    return f"/api/v1/posts/{post.id}/live-stream"


def error_code(response: httpx.Response) -> str:
    code: str = response.json()["error"]["code"]
    return code


# --- video uploads --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("which", "policy"), [("public_video", "public"), ("members_video", "signed")]
)
async def test_a_video_upload_reaches_mux_with_our_asset_id_and_the_posts_policy(
    api_resources: Resources, world: World, mux: MuxSandbox, which: str, policy: str
) -> None:
    post: Post = getattr(world, which)

    response = await world.creator.client.post(video_url(post))

    assert response.status_code == 201, response.text
    body = response.json()
    asset_id = body["asset"]["id"]
    assert body["playback_policy"] == policy
    assert (body["asset"]["kind"], body["asset"]["status"]) == ("video", "waiting")
    assert body["asset"]["post_id"] == str(post.id)
    [upload] = mux.uploads()
    assert body["upload_url"] == upload["url"]
    assert body["upload_timeout_seconds"] == upload["timeout"]
    assert upload["new_asset_settings"] == {"playback_policies": [policy], "passthrough": asset_id}
    assert upload["cors_origin"] == CORS_ORIGIN
    [asset] = await all_rows(api_resources, MediaAsset)
    assert str(asset.id) == asset_id
    assert asset.mux_upload_id == upload["id"]
    assert (asset.post_id, asset.owner_id) == (post.id, world.creator.id)
    assert (asset.kind, asset.status) == (MediaKind.VIDEO, MediaStatus.WAITING)
    assert asset.playback_policy == policy


async def test_the_browser_uploads_to_mux_and_the_asset_carries_our_id(
    world: World, mux: MuxSandbox
) -> None:
    body = (await world.creator.client.post(video_url(world.members_video))).json()

    stored = mux.put_file(body["upload_url"], b"\x00\x00\x00\x18ftypmp42 a dog video")

    assert stored.status_code == 200
    [asset] = mux.state()["assets"]
    assert asset["passthrough"] == body["asset"]["id"]
    assert [p["policy"] for p in asset["playback_ids"]] == ["signed"]


async def test_a_new_upload_replaces_one_that_never_got_a_file(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    first = (await world.creator.client.post(video_url(world.public_video))).json()

    second = await world.creator.client.post(video_url(world.public_video))

    assert second.status_code == 201, second.text
    rows = {str(row.id): row for row in await all_rows(api_resources, MediaAsset)}
    old, new = rows[first["asset"]["id"]], rows[second.json()["asset"]["id"]]
    assert old.post_id is None
    assert old.status is MediaStatus.FAILED
    assert old.failure_reason
    assert new.post_id == world.public_video.id
    assert old.mux_upload_id is not None
    assert mux.upload(old.mux_upload_id)["status"] == "cancelled"


async def test_a_post_that_has_its_video_refuses_another(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    async with api_resources.unit_of_work() as session:
        session.add(
            MediaAsset(
                owner_id=world.creator.id,
                post_id=world.public_video.id,
                kind=MediaKind.VIDEO,
                status=MediaStatus.READY,
                mux_asset_id="mux-asset-1",
                playback_id="play-1",
                playback_policy="public",
            )
        )

    response = await world.creator.client.post(video_url(world.public_video))

    assert (response.status_code, error_code(response)) == (409, "video_already_uploaded")
    assert await count(api_resources, MediaAsset) == 1
    assert mux.calls() == []


async def test_other_kinds_of_post_take_no_video(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    for post in (world.text_post, world.members_live):
        response = await world.creator.client.post(video_url(post))
        assert (response.status_code, error_code(response)) == (422, "kind_mismatch")

    assert await count(api_resources, MediaAsset) == 0
    assert mux.calls() == []


async def test_someone_elses_or_a_missing_post_is_404(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    others = await world.other_creator.client.post(video_url(world.public_video))
    missing = await world.creator.client.post(f"/api/v1/posts/{uuid.uuid4()}/video")
    async with api_resources.unit_of_work() as session:
        post = await session.get(Post, world.members_video.id)
        assert post is not None
        post.deleted_at = datetime.now(UTC)
    deleted = await world.creator.client.post(video_url(world.members_video))

    for response in (others, missing, deleted):
        assert (response.status_code, error_code(response)) == (404, "post_not_found")
    assert await count(api_resources, MediaAsset) == 0
    assert mux.calls() == []


async def test_fans_anonymous_and_forged_requests_are_refused(
    api_resources: Resources, world: World, api_client: httpx.AsyncClient, mux: MuxSandbox
) -> None:
    fan = await world.fan.client.post(video_url(world.public_video))
    anonymous = await api_client.post(video_url(world.public_video))
    forged = await world.creator.client.post(
        video_url(world.public_video), headers={"X-CSRF-Token": "nope"}
    )
    bad_id = await world.creator.client.post("/api/v1/posts/42/video")

    # The post gate's one rule for writes: someone else's unlisted post (its video is not
    # there yet) does not exist for the caller, creator or not.
    assert (fan.status_code, error_code(fan)) == (404, "post_not_found")
    assert (anonymous.status_code, error_code(anonymous)) == (401, "not_authenticated")
    assert (forged.status_code, error_code(forged)) == (403, "csrf_failed")
    assert (bad_id.status_code, error_code(bad_id)) == (422, "validation_error")
    assert await count(api_resources, MediaAsset) == 0
    assert mux.calls() == []


async def test_mux_failing_is_503_and_nothing_is_stored(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    mux.fail_next(1, 500)

    response = await world.creator.client.post(video_url(world.public_video))

    assert (response.status_code, error_code(response)) == (503, "video_provider_unavailable")
    assert await count(api_resources, MediaAsset) == 0
    assert len(mux.calls()) == 1  # a create is not repeated after a 5xx


async def test_a_long_mux_rate_limit_is_passed_on_with_retry_after(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    mux.fail_next(1, 429, retry_after_seconds=30)

    response = await world.creator.client.post(video_url(world.public_video))

    assert (response.status_code, error_code(response)) == (503, "video_provider_unavailable")
    assert response.headers["retry-after"] == "30"
    assert await count(api_resources, MediaAsset) == 0


# --- live streams ---------------------------------------------------------------------------


async def test_the_creator_gets_a_live_stream_with_its_key(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    response = await world.creator.client.post(live_url(world.members_live))

    assert response.status_code == 201, response.text
    body = response.json()
    [stream] = mux.live_streams()
    assert body["stream_key"] == stream["stream_key"]
    assert body["ingest_url"] == "rtmp://global-live.mux.com:5222/app"
    assert body["ingest_url_rtmps"].startswith("rtmps://")
    assert body["playback_policy"] == "signed"
    assert body["playback_id"] == stream["playback_ids"][0]["id"]
    assert stream["playback_ids"][0]["policy"] == "signed"
    assert stream["new_asset_settings"]["playback_policies"] == ["signed"]
    assert stream["passthrough"] == str(world.members_live.id)
    assert body["state"] == "idle"
    assert body["scheduled_start_at"] is not None  # the row the posts side made is kept
    [row] = await all_rows(api_resources, LiveStream)
    assert row.mux_live_stream_id == stream["id"]
    assert row.mux_stream_key == stream["stream_key"]
    assert row.playback_policy == "signed"


async def test_a_public_live_post_plays_publicly_and_gets_its_row(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    response = await world.creator.client.post(live_url(world.public_live))

    assert response.status_code == 201
    assert response.json()["playback_policy"] == "public"
    assert mux.live_streams()[0]["playback_ids"][0]["policy"] == "public"
    rows = await all_rows(api_resources, LiveStream, LiveStream.post_id == world.public_live.id)
    assert [row.state for row in rows] == [LiveState.IDLE]


async def test_asking_again_returns_the_same_stream(world: World, mux: MuxSandbox) -> None:
    first = await world.creator.client.post(live_url(world.members_live))
    again = await world.creator.client.post(live_url(world.members_live))
    read = await world.creator.client.get(live_url(world.members_live))

    assert (first.status_code, again.status_code, read.status_code) == (201, 200, 200)
    assert first.json() == again.json() == read.json()
    assert len(mux.live_streams()) == 1


async def test_only_the_creator_sees_the_stream_key(
    world: World, mux: MuxSandbox, api_client: httpx.AsyncClient
) -> None:
    created = await world.creator.client.post(live_url(world.public_live))
    key = created.json()["stream_key"]

    for response in (
        await world.fan.client.get(live_url(world.public_live)),
        await world.other_creator.client.get(live_url(world.public_live)),
        await world.fan.client.get(f"/api/v1/posts/{uuid.uuid4()}/live-stream"),
    ):
        assert (response.status_code, error_code(response)) == (404, "live_stream_not_found")
        assert key not in response.text
    anonymous = await api_client.get(live_url(world.public_live))
    assert (anonymous.status_code, error_code(anonymous)) == (401, "not_authenticated")


async def test_a_stream_not_made_yet_is_404_for_its_creator(world: World) -> None:
    response = await world.creator.client.get(live_url(world.members_live))

    assert (response.status_code, error_code(response)) == (404, "live_stream_not_found")


async def test_live_stream_refusals_write_nothing(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    others = await world.other_creator.client.post(live_url(world.members_live))
    fan = await world.fan.client.post(live_url(world.members_live))
    video = await world.creator.client.post(live_url(world.public_video))

    assert (others.status_code, error_code(others)) == (404, "post_not_found")
    assert (fan.status_code, error_code(fan)) == (404, "post_not_found")
    assert (video.status_code, error_code(video)) == (422, "kind_mismatch")
    assert mux.calls() == []
    async with api_resources.sessions() as session:
        ids = await session.scalars(select(LiveStream.mux_live_stream_id))
        assert list(ids) == [None]


async def test_mux_failing_leaves_the_live_post_without_a_stream(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    mux.fail_next(1, 503)

    response = await world.creator.client.post(live_url(world.members_live))

    assert (response.status_code, error_code(response)) == (503, "video_provider_unavailable")
    [row] = await all_rows(api_resources, LiveStream)
    assert row.mux_live_stream_id is None
    assert row.mux_stream_key is None


# --- creating a live post -------------------------------------------------------------------


def live_post_body(**fields: object) -> dict[str, object]:
    start = (datetime.now(UTC) + timedelta(days=1)).isoformat()
    return {
        "kind": "live",
        "title": "Steak stream",
        "live": {"scheduled_start_at": start},
        **fields,
    }


async def test_creating_a_members_live_post_creates_its_signed_mux_stream(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    tier_id = (await all_rows(api_resources, PostTier))[0].tier_id
    response = await world.creator.client.post(
        "/api/v1/posts", json=live_post_body(access="members", tier_ids=[str(tier_id)])
    )

    assert response.status_code == 201, response.text
    post_id = response.json()["id"]
    [stream] = mux.live_streams()
    assert stream["passthrough"] == post_id
    assert [p["policy"] for p in stream["playback_ids"]] == ["signed"]
    assert stream["new_asset_settings"]["playback_policies"] == ["signed"]
    assert stream["stream_key"] not in response.text
    # The creator's playback of a signed stream carries tokens; the key comes from its endpoint.
    assert response.json()["live"]["playback"]["video_token"]
    key = await world.creator.client.get(f"/api/v1/posts/{post_id}/live-stream")
    assert key.json()["stream_key"] == stream["stream_key"]


async def test_mux_failing_creates_no_live_post_at_all(
    api_resources: Resources, world: World, mux: MuxSandbox
) -> None:
    posts_before = await count(api_resources, Post)
    mux.fail_next(1, 503)

    response = await world.creator.client.post("/api/v1/posts", json=live_post_body())

    assert (response.status_code, error_code(response)) == (503, "video_provider_unavailable")
    assert await count(api_resources, Post) == posts_before
    assert await count(api_resources, LiveStream) == 1  # the world's own, untouched
