"""The public creator page: what it shows, to whom, and its Redis cache."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator, MembershipStatus, PostAccess, PostStatus, Tier, User
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser, UserFactory
from tests.support.creators import image
from tests.support.statements import statements

PAGE = "/api/v1/creators/gordikey"
CACHE_KEYS = "pickey:creator-page:*"


@dataclass
class World:
    owner: ApiUser
    follower: ApiUser
    member: ApiUser
    stranger: ApiUser
    creator_id: uuid.UUID
    tiers: dict[str, uuid.UUID]


async def _user(session: AsyncSession, api_user: ApiUser) -> User:
    row = await session.get(User, api_user.id)
    assert row is not None
    return row


@pytest.fixture
async def world(make_user: UserFactory, api_resources: Resources) -> World:
    """Gordíkey: three open tiers (shown 59/99/199 Kč whatever the creation order), one
    archived; members of each status; posts of each visibility; two followers."""
    owner, follower, member, stranger = [await make_user() for _ in range(4)]
    async with api_resources.unit_of_work() as session:
        gordikey = await make.creator(
            session, await _user(session, owner), slug="gordikey", bio="Pes."
        )
        loviste = await make.tier(session, gordikey, 19900, name="Na věčná loviště", position=2)
        granulky = await make.tier(session, gordikey, 5900, name="Na granulkey", position=0)
        steaky = await make.tier(session, gordikey, 9900, name="Na steaky", position=1)
        archived = await make.tier(
            session, gordikey, 2900, name="Stará", position=3, archived_at=datetime.now(UTC)
        )
        await make.membership(session, await _user(session, member), steaky)
        for status, tier in [
            (MembershipStatus.PAST_DUE, granulky),
            (MembershipStatus.LAPSED, granulky),
            (MembershipStatus.PENDING, loviste),
            (MembershipStatus.CANCELLED, loviste),
        ]:
            await make.membership(session, await make.user(session), tier, status)
        await make.follow(session, await _user(session, follower), gordikey)
        await make.follow(session, await make.user(session), gordikey)
        await make.post(session, gordikey)
        await make.post(session, gordikey, access=PostAccess.MEMBERS, tiers=[steaky])
        await make.post(session, gordikey, status=PostStatus.DRAFT)
        await make.post(session, gordikey, deleted_at=datetime.now(UTC))
        await make.post(session, gordikey, media_ready=False)
        other = await make.creator(session)
        await make.post(session, other)
        await make.follow(session, await _user(session, follower), other)
    return World(
        owner,
        follower,
        member,
        stranger,
        gordikey.id,
        {"granulky": granulky.id, "steaky": steaky.id, "loviste": loviste.id, "old": archived.id},
    )


async def test_the_page_shows_profile_open_tiers_in_order_and_counts(
    api_client: httpx.AsyncClient, world: World
) -> None:
    response = await api_client.get(PAGE)

    assert response.status_code == 200, response.text
    page = response.json()
    assert page["profile"]["id"] == str(world.creator_id)
    assert page["profile"]["slug"] == "gordikey"
    assert page["profile"]["bio"] == "Pes."
    assert [tier["name"] for tier in page["tiers"]] == [
        "Na granulkey",
        "Na steaky",
        "Na věčná loviště",
    ]
    assert [tier["price_amount"] for tier in page["tiers"]] == [5900, 9900, 19900]
    assert {tier["currency"] for tier in page["tiers"]} == {"CZK"}
    # Members hold a membership (active, past due); posts are the listed ones; two followers.
    assert page["counts"] == {"members": 2, "posts": 2, "followers": 2}
    assert page["viewer"] is None


async def test_the_viewer_sees_their_own_relation(world: World) -> None:
    relations = {}
    for name in ("owner", "follower", "member", "stranger"):
        viewer: ApiUser = getattr(world, name)
        response = await viewer.client.get(PAGE)
        assert response.status_code == 200
        relations[name] = response.json()["viewer"]

    assert relations["owner"] == {"is_owner": True, "following": False, "tier_id": None}
    assert relations["follower"] == {"is_owner": False, "following": True, "tier_id": None}
    assert relations["member"] == {
        "is_owner": False,
        "following": False,
        "tier_id": str(world.tiers["steaky"]),
    }
    assert relations["stranger"] == {"is_owner": False, "following": False, "tier_id": None}


@pytest.mark.parametrize("slug", ["nobody-here", "Gordikey", "x" * 100, "ab", "gordikey-"])
async def test_an_unknown_or_malformed_slug_is_not_found(
    slug: str, api_client: httpx.AsyncClient, world: World, api_resources: Resources
) -> None:
    response = await api_client.get(f"/api/v1/creators/{slug}")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "creator_not_found"
    assert await api_resources.redis.keys(CACHE_KEYS) == []


async def test_a_deleted_account_has_no_page(
    api_client: httpx.AsyncClient, world: World, api_resources: Resources
) -> None:
    async with api_resources.unit_of_work() as session:
        owner = await session.get(User, world.owner.id)
        assert owner is not None
        owner.deleted_at = datetime.now(UTC)

    response = await api_client.get(PAGE)

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "creator_not_found"


async def test_the_public_part_is_cached(
    api_client: httpx.AsyncClient, world: World, api_resources: Resources
) -> None:
    with statements(api_resources.engine) as first:
        cold = await api_client.get(PAGE)
    with statements(api_resources.engine) as second:
        warm = await api_client.get(PAGE)

    assert cold.json() == warm.json()
    assert len(first) >= 3  # creator, tiers, counts
    assert second == []  # an anonymous visitor's page came from Redis alone
    assert await api_resources.redis.keys(CACHE_KEYS) == [b"pickey:creator-page:gordikey"]
    assert 0 < await api_resources.redis.ttl("pickey:creator-page:gordikey") <= 60


async def test_the_viewer_part_is_never_cached(
    api_client: httpx.AsyncClient, world: World, api_resources: Resources
) -> None:
    await api_client.get(PAGE)  # cached by an anonymous visit

    with statements(api_resources.engine) as seen:
        follower = (await world.follower.client.get(PAGE)).json()
    member = (await world.member.client.get(PAGE)).json()

    assert follower["viewer"]["following"] is True
    assert member["viewer"]["tier_id"] == str(world.tiers["steaky"])
    # The user, their follow and their membership: never the creator, tiers or counts again.
    assert len(seen) == 3
    assert not any("FROM creators" in statement or "count(" in statement for statement in seen)


async def test_editing_the_profile_shows_at_once(world: World) -> None:
    owner = world.owner
    await owner.client.get(PAGE)

    edited = await owner.client.patch("/api/v1/creators/me", json={"bio": "Nový."})

    assert edited.status_code == 200
    assert (await owner.client.get(PAGE)).json()["profile"]["bio"] == "Nový."


async def test_tier_writes_show_at_once(world: World) -> None:
    owner = world.owner
    tiers = "/api/v1/creators/me/tiers"

    def names(response: httpx.Response) -> list[str]:
        return [tier["name"] for tier in response.json()["tiers"]]

    await owner.client.get(PAGE)
    created = await owner.client.post(
        tiers, json={"name": "Na pamlsky", "price_amount": 3900, "currency": "CZK"}
    )
    assert created.status_code == 201
    assert names(await owner.client.get(PAGE))[-1] == "Na pamlsky"

    await owner.client.patch(f"/api/v1/tiers/{created.json()['id']}", json={"name": "Pamlsky"})
    assert names(await owner.client.get(PAGE))[-1] == "Pamlsky"

    order = [world.tiers["loviste"], uuid.UUID(created.json()["id"])]
    order += [world.tiers["steaky"], world.tiers["granulky"]]
    reordered = await owner.client.put(f"{tiers}/order", json={"tier_ids": [str(i) for i in order]})
    assert reordered.status_code == 200
    assert names(await owner.client.get(PAGE)) == [
        "Na věčná loviště",
        "Pamlsky",
        "Na steaky",
        "Na granulkey",
    ]

    await owner.client.post(f"/api/v1/tiers/{world.tiers['loviste']}/archive")
    assert "Na věčná loviště" not in names(await owner.client.get(PAGE))

    await owner.client.post(f"/api/v1/tiers/{world.tiers['old']}/unarchive")
    assert names(await owner.client.get(PAGE))[-1] == "Stará"

    deleted = await owner.client.delete(f"/api/v1/tiers/{created.json()['id']}")
    assert deleted.status_code == 204
    assert "Pamlsky" not in names(await owner.client.get(PAGE))


async def test_follows_change_the_count_at_once(world: World) -> None:
    stranger = world.stranger
    assert (await stranger.client.get(PAGE)).json()["counts"]["followers"] == 2

    assert (await stranger.client.put(f"{PAGE}/follow")).status_code == 204
    page = (await stranger.client.get(PAGE)).json()
    assert page["counts"]["followers"] == 3
    assert page["viewer"]["following"] is True

    assert (await stranger.client.delete(f"{PAGE}/follow")).status_code == 204
    page = (await stranger.client.get(PAGE)).json()
    assert page["counts"]["followers"] == 2
    assert page["viewer"]["following"] is False


async def test_avatar_urls_are_on_the_page(
    api_client: httpx.AsyncClient, world: World, api_resources: Resources
) -> None:
    avatar = await image(api_resources, world.owner.id)
    async with api_resources.unit_of_work() as session:
        creator = await session.get(Creator, world.creator_id)
        assert creator is not None
        creator.avatar_asset_id = avatar

    page = (await api_client.get(PAGE)).json()

    assert page["profile"]["avatar"]["id"] == str(avatar)
    assert "320w.webp" in page["profile"]["avatar"]["urls"]
    assert page["profile"]["cover"] is None


async def test_tiers_of_the_page_are_only_this_creators(
    api_client: httpx.AsyncClient, world: World, api_resources: Resources
) -> None:
    page = (await api_client.get(PAGE)).json()

    async with api_resources.sessions() as session:
        for tier in page["tiers"]:
            row = await session.get(Tier, uuid.UUID(tier["id"]))
            assert row is not None
            assert row.creator_id == world.creator_id
