"""Who reads a members' post in full and who gets its teaser (never the body or the full media)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pickey_core.models import MembershipStatus
from pickey_core.resources import Resources
from tests.support.posts import POSTS, Author, Login, create, fan, image, publish


@pytest.fixture
async def members_photo_post(
    author: Author, api_resources: Resources
) -> tuple[Author, dict[str, Any]]:
    photo = await image(api_resources, author.user.id)
    created = await create(
        author,
        kind="photo",
        access="members",
        tier_ids=[str(author.steaky.id)],
        media_asset_ids=[str(photo)],
        body="Tajné fotky z lesa.",
    )
    await publish(author, created["id"])
    return author, created


async def test_non_members_get_a_teaser_never_the_body_or_full_media(
    members_photo_post: tuple[Author, dict[str, Any]],
    api_client: httpx.AsyncClient,
    login: Login,
    api_resources: Resources,
) -> None:
    author, created = members_photo_post
    follower = await fan(login, api_resources, follows=author.creator)

    for client in (api_client, follower.client):
        response = await client.get(f"{POSTS}/{created['id']}")
        assert response.status_code == 200
        teaser = response.json()
        assert teaser["viewer_access"] == "teaser"
        assert teaser["body"] is None
        assert teaser["editing"] is None
        assert teaser["title"] == created["title"]
        assert teaser["published_at"] is not None
        [media] = teaser["media"]
        assert set(media["urls"]) == {"teaser"}
        assert (media["width"], media["height"]) == (None, None)
        assert [t["name"] for t in teaser["unlocking_tiers"]] == ["Na steaky"]
        assert teaser["unlocking_tiers"][0]["price_amount"] == 9900
        assert "Tajné" not in response.text


async def test_members_of_a_listed_tier_read_everything(
    members_photo_post: tuple[Author, dict[str, Any]],
    login: Login,
    api_resources: Resources,
) -> None:
    author, created = members_photo_post
    member = await fan(login, api_resources, member_of=author.steaky)

    response = await member.client.get(f"{POSTS}/{created['id']}")

    post = response.json()
    assert post["viewer_access"] == "full"
    assert post["body"] == "Tajné fotky z lesa."
    assert set(post["media"][0]["urls"]) == {"960w", "teaser"}
    assert post["editing"] is None


async def test_a_lapsed_member_gets_the_teaser_again(
    members_photo_post: tuple[Author, dict[str, Any]],
    login: Login,
    api_resources: Resources,
) -> None:
    author, created = members_photo_post
    member = await fan(
        login, api_resources, member_of=author.steaky, status=MembershipStatus.LAPSED
    )

    response = await member.client.get(f"{POSTS}/{created['id']}")

    assert response.json()["viewer_access"] == "teaser"
    assert response.json()["body"] is None


async def test_a_teaser_of_a_poll_hides_the_poll(
    author: Author, api_client: httpx.AsyncClient
) -> None:
    created = await create(
        author,
        kind="poll",
        access="members",
        tier_ids=[str(author.granulky.id)],
        poll={"options": ["Ano", "Ne"]},
    )
    await publish(author, created["id"])

    teaser = (await api_client.get(f"{POSTS}/{created['id']}")).json()

    assert teaser["poll"] is None
    assert "Ano" not in str(teaser)
