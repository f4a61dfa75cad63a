"""Media URLs of a page of posts for each kind of viewer: images presigned, videos with Mux
playback (signed tokens that verify with the signing key's public key), teasers otherwise; one
query for the whole page."""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from sqlalchemy import select

from pickey_api.post_access.entitlements import Access, entitlements
from pickey_api.settings import ApiSettings
from pickey_api.uploads.schemas import MediaRead
from pickey_api.uploads.urls import media_for_posts
from pickey_core.models import (
    Creator,
    MediaAsset,
    MediaKind,
    MediaStatus,
    Post,
    PostAccess,
    PostKind,
    User,
)
from pickey_core.providers.mux_tokens import PlaybackSigner
from pickey_core.resources import Resources
from pickey_core.storage import LocalStorage, Storage
from tests.support import factories as make
from tests.support.settings import MUX_SIGNING_KEY_ID, MUX_SIGNING_PRIVATE_KEY
from tests.support.statements import statements


@dataclass
class World:
    owner: User
    member: User
    stranger: User
    public_video: Post
    members_video: Post
    members_photo: Post


@pytest.fixture
def storage(api_settings: ApiSettings, tmp_path: Path) -> LocalStorage:
    return LocalStorage(api_settings.storage.model_copy(update={"local_root": str(tmp_path)}))


@pytest.fixture
def signer(api_settings: ApiSettings) -> PlaybackSigner:
    return PlaybackSigner.from_config(api_settings.mux)


def public_key() -> RSAPublicKey:
    key = serialization.load_pem_private_key(base64.b64decode(MUX_SIGNING_PRIVATE_KEY), None)
    public = key.public_key()
    assert isinstance(public, RSAPublicKey)
    return public


def video(post: Post, owner: User, playback_id: str, policy: str, **fields: object) -> MediaAsset:
    return MediaAsset(
        owner_id=owner.id,
        post_id=post.id,
        kind=MediaKind.VIDEO,
        status=fields.pop("status", MediaStatus.READY),
        mux_upload_id=f"upload-{playback_id}",
        mux_asset_id=f"asset-{playback_id}",
        playback_id=playback_id,
        playback_policy=policy,
        duration_seconds=61.5,
        aspect_ratio="16:9",
        variants=fields.pop("variants", {}),
        **fields,
    )


@pytest.fixture
async def world(api_resources: Resources) -> World:
    async with api_resources.unit_of_work() as session:
        owner = await make.user(session)
        gordikey = await make.creator(session, owner)
        steaky = await make.tier(session, gordikey, 9900)
        member, stranger = await make.user(session), await make.user(session)
        await make.membership(session, member, steaky)
        public_video = await make.post(session, gordikey, kind=PostKind.VIDEO)
        members_video = await make.post(
            session, gordikey, kind=PostKind.VIDEO, access=PostAccess.MEMBERS, tiers=[steaky]
        )
        members_photo = await make.post(
            session, gordikey, kind=PostKind.PHOTO, access=PostAccess.MEMBERS, tiers=[steaky]
        )
        session.add_all(
            [
                video(public_video, owner, "public-playback", "public"),
                video(
                    members_video,
                    owner,
                    "signed-playback",
                    "signed",
                    variants={"teaser": {"key": "variants/abc/teaser.webp"}},
                ),
                MediaAsset(
                    owner_id=owner.id,
                    post_id=members_photo.id,
                    kind=MediaKind.IMAGE,
                    status=MediaStatus.READY,
                    width=1200,
                    height=800,
                    variants={
                        "teaser": {"key": "variants/def/teaser.webp"},
                        "960w.webp": {"key": "variants/def/960w.webp"},
                    },
                ),
                # Not ready yet: never shown.
                MediaAsset(
                    owner_id=owner.id,
                    post_id=members_photo.id,
                    position=1,
                    kind=MediaKind.IMAGE,
                    status=MediaStatus.PROCESSING,
                ),
            ]
        )
    return World(owner, member, stranger, public_video, members_video, members_photo)


async def media_for(
    resources: Resources,
    storage: Storage,
    viewer: User | None,
    posts: list[Post],
    signer: PlaybackSigner | None,
) -> dict[uuid.UUID, list[MediaRead]]:
    async with resources.sessions() as session:
        access = await entitlements(session, viewer.id if viewer else None, posts)
        return await media_for_posts(session, storage, posts, access, playback=signer)


def claims_of(token: str, audience: str) -> dict[str, object]:
    claims: dict[str, object] = jwt.decode(
        token, public_key(), algorithms=["RS256"], audience=audience
    )
    return claims


@pytest.mark.parametrize("viewer", ["member", "owner"])
async def test_entitled_viewers_get_signed_playback_that_verifies(
    api_resources: Resources,
    storage: Storage,
    signer: PlaybackSigner,
    world: World,
    viewer: str,
) -> None:
    media = await media_for(
        api_resources, storage, getattr(world, viewer), [world.members_video], signer
    )

    [item] = media[world.members_video.id]
    playback = item.playback
    assert playback is not None
    assert playback.playback_id == "signed-playback"
    assert playback.policy == "signed"
    for token, audience in (
        (playback.video_token, "v"),
        (playback.thumbnail_token, "t"),
        (playback.storyboard_token, "s"),
    ):
        assert token is not None
        assert jwt.get_unverified_header(token)["kid"] == MUX_SIGNING_KEY_ID
        claims = claims_of(token, audience)
        assert claims["sub"] == "signed-playback"
        expires_in = int(str(claims["exp"])) - datetime.now(UTC).timestamp()
        assert 0 < expires_in <= 15 * 60
    stream = urlsplit(playback.stream_url)
    assert (stream.netloc, stream.path) == ("stream.mux.com", "/signed-playback.m3u8")
    assert parse_qs(stream.query)["token"] == [playback.video_token]
    assert playback.thumbnail_url.endswith(f"/thumbnail.jpg?token={playback.thumbnail_token}")
    assert item.duration_seconds == 61.5


async def test_others_get_no_playback_only_the_teaser(
    api_resources: Resources, storage: Storage, signer: PlaybackSigner, world: World
) -> None:
    for viewer in (world.stranger, None):
        media = await media_for(
            api_resources, storage, viewer, [world.members_video, world.members_photo], signer
        )

        [clip] = media[world.members_video.id]
        [photo] = media[world.members_photo.id]
        assert clip.playback is None
        assert clip.duration_seconds is None
        assert set(clip.urls) == {"teaser"}
        assert set(photo.urls) == {"teaser"}
        assert (photo.width, photo.height) == (None, None)
        assert "signed-playback" not in repr(media)


async def test_public_videos_play_without_tokens(
    api_resources: Resources, storage: Storage, signer: PlaybackSigner, world: World
) -> None:
    media = await media_for(api_resources, storage, None, [world.public_video], signer)

    [item] = media[world.public_video.id]
    playback = item.playback
    assert playback is not None
    assert playback.stream_url == "https://stream.mux.com/public-playback.m3u8"
    assert playback.thumbnail_url == "https://image.mux.com/public-playback/thumbnail.jpg"
    assert (playback.video_token, playback.thumbnail_token, playback.expires_at) == (
        None,
        None,
        None,
    )


async def test_without_a_signer_signed_videos_carry_no_playback(
    api_resources: Resources, storage: Storage, world: World
) -> None:
    media = await media_for(
        api_resources, storage, world.member, [world.members_video, world.public_video], None
    )

    assert media[world.members_video.id][0].playback is None
    assert media[world.public_video.id][0].playback is not None


async def test_entitled_viewers_get_every_image_variant(
    api_resources: Resources, storage: Storage, signer: PlaybackSigner, world: World
) -> None:
    media = await media_for(api_resources, storage, world.member, [world.members_photo], signer)

    [photo] = media[world.members_photo.id]  # the processing one is left out
    assert set(photo.urls) == {"teaser", "960w.webp"}
    assert (photo.width, photo.height) == (1200, 800)


async def test_one_query_for_a_page_of_any_size(
    api_resources: Resources, storage: Storage, signer: PlaybackSigner, world: World
) -> None:
    async with api_resources.unit_of_work() as session:
        creator_id = world.public_video.creator_id
        creator = await session.get(Creator, creator_id)
        assert creator is not None
        for n in range(30):
            post = await make.post(session, creator, kind=PostKind.VIDEO)
            session.add(video(post, world.owner, f"playback-{n}", "signed"))
    async with api_resources.sessions() as session:
        posts = list((await session.scalars(select(Post))).all())
        access = {post.id: Access.FULL for post in posts}
        with statements(api_resources.engine) as few:
            await media_for_posts(session, storage, posts[:2], access, playback=signer)
        with statements(api_resources.engine) as many:
            result = await media_for_posts(session, storage, posts, access, playback=signer)

    assert len(few) == len(many) == 1
    assert sum(len(items) for items in result.values()) == 33
