"""Becoming a creator and editing the profile: rules, codes, session rotation, mass assignment."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import httpx
import pytest

from pickey_core.models import Creator, MediaKind, MediaStatus, User
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import UserFactory
from tests.support.creators import become_creator, image, profile
from tests.support.db import all_rows, count

CREATORS = "/api/v1/creators"
ME = "/api/v1/creators/me"


async def test_a_user_becomes_a_creator(make_user: UserFactory, api_resources: Resources) -> None:
    user = await make_user()

    response = await user.client.post(CREATORS, json=profile(bio="Hodný pes, 5 fanoušků."))

    assert response.status_code == 201, response.text
    body = response.json()
    assert body["slug"] == "gordikey"
    assert body["display_name"] == "Gordíkey"
    assert body["bio"] == "Hodný pes, 5 fanoušků."
    assert body["avatar"] is None
    [row] = await all_rows(api_resources, Creator)
    assert row.user_id == user.id
    assert str(row.id) == body["id"]


async def test_becoming_a_creator_rotates_the_session(
    api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    user = await make_user()
    old_session = user.client.cookies["pickey_session"]
    old_csrf = user.csrf_token

    response = await become_creator(user.client)

    new_session = response.cookies["pickey_session"]
    assert new_session != old_session
    assert response.cookies["pickey_csrf"] != old_csrf
    api_client.cookies.set("pickey_session", old_session)
    assert (await api_client.get(ME)).status_code == 401
    assert (await user.client.get(ME)).status_code == 200
    # Writes now need the new CSRF token; the old one is refused.
    stale = await user.client.patch(ME, json={"bio": "x"}, headers={"X-CSRF-Token": old_csrf})
    assert stale.status_code == 403
    assert stale.json()["error"]["code"] == "csrf_failed"


async def test_anonymous_cannot_become_a_creator(
    api_client: httpx.AsyncClient, api_resources: Resources
) -> None:
    response = await api_client.post(CREATORS, json=profile())

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert await count(api_resources, Creator) == 0


async def test_becoming_a_creator_needs_the_csrf_header(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    del user.client.headers["X-CSRF-Token"]

    response = await user.client.post(CREATORS, json=profile())

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert await count(api_resources, Creator) == 0


@pytest.mark.parametrize(
    "slug",
    [
        "",
        "ab",
        "a" * 41,
        "Gordikey",
        "gordíkey",
        "gordi_key",
        "gordi key",
        "-gordikey",
        "gordikey-",
        "gordi--key",
        "gordi.key",
        "../admin",
    ],
)
async def test_malformed_slugs_are_refused(
    slug: str, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()

    response = await user.client.post(CREATORS, json=profile(slug))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_slug"
    assert await count(api_resources, Creator) == 0


@pytest.mark.parametrize(
    "slug", ["api", "admin", "settings", "creators", "feed", "support", "www", "pickey-team"]
)
async def test_reserved_slugs_are_refused(
    slug: str, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()

    response = await user.client.post(CREATORS, json=profile(slug))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "slug_reserved"
    assert await count(api_resources, Creator) == 0


async def test_slugs_of_the_limits_are_accepted(make_user: UserFactory) -> None:
    for slug in ["a-1", "x" * 40, "na-vecna-loviste-2"]:
        user = await make_user()
        response = await user.client.post(CREATORS, json=profile(slug))
        assert response.status_code == 201, (slug, response.text)


async def test_a_taken_slug_is_refused(make_user: UserFactory, api_resources: Resources) -> None:
    first, second = await make_user(), await make_user()
    await become_creator(first.client)

    response = await second.client.post(CREATORS, json=profile("gordikey"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slug_taken"
    assert await count(api_resources, Creator) == 1


async def test_one_creator_profile_per_user(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    await become_creator(user.client)

    response = await user.client.post(CREATORS, json=profile("gordikey-2"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "already_a_creator"
    assert await count(api_resources, Creator) == 1


@pytest.mark.parametrize(
    "body",
    [
        profile(user_id=str(uuid.uuid4())),
        profile(id=str(uuid.uuid4())),
        profile(posts_version=5),
        {"slug": "gordikey", "bio": "no name"},
        profile(display_name="   "),
        profile(display_name="x" * 101),
        profile(bio="x" * 5001),
        profile(slug=None),
        profile(display_name="Gordí\x00key"),
        profile(bio="nul \x00 byte"),
    ],
)
async def test_invalid_or_extra_fields_are_refused(
    body: dict[str, Any], make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()

    response = await user.client.post(CREATORS, json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert await count(api_resources, Creator) == 0


@pytest.mark.parametrize("field", ["display_name", "bio"])
async def test_text_postgresql_cannot_store_is_refused(
    field: str, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    fields = {"slug": '"gordikey"', "display_name": '"Gordikey"', "bio": '"Pes."'}
    fields[field] = '"lone \\ud800 surrogate"'
    raw = "{" + ", ".join(f'"{name}": {value}' for name, value in fields.items()) + "}"

    response = await user.client.post(
        CREATORS, content=raw, headers={"Content-Type": "application/json"}
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert await count(api_resources, Creator) == 0


async def test_concurrent_claims_of_one_slug_get_one_page(
    make_user: UserFactory, api_resources: Resources
) -> None:
    users = [await make_user() for _ in range(4)]

    responses = await asyncio.gather(
        *(user.client.post(CREATORS, json=profile("gordikey")) for user in users)
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201, 409, 409, 409]
    assert {r.json()["error"]["code"] for r in responses if r.status_code == 409} == {"slug_taken"}
    assert await count(api_resources, Creator) == 1


async def test_concurrent_profiles_of_one_user_get_one(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()

    responses = await asyncio.gather(
        *(user.client.post(CREATORS, json=profile(f"gordikey-{n}")) for n in range(3))
    )

    statuses = sorted(response.status_code for response in responses)
    assert statuses[0] == 201
    assert statuses.count(201) == 1
    assert await count(api_resources, Creator) == 1


async def test_my_profile_needs_a_creator_profile(
    api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    user = await make_user()

    assert (await api_client.get(ME)).status_code == 401
    anonymous_edit = await api_client.patch(ME, json={"bio": "x"})
    assert anonymous_edit.status_code == 401
    assert anonymous_edit.json()["error"]["code"] == "not_authenticated"
    # 403, as on every creators-only route of every service: the caller's own lack of a
    # creator page is nothing to hide from them.
    response = await user.client.get(ME)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_a_creator"
    edit = await user.client.patch(ME, json={"bio": "x"})
    assert edit.status_code == 403
    assert edit.json()["error"]["code"] == "not_a_creator"


async def test_edit_my_profile(make_user: UserFactory, api_resources: Resources) -> None:
    user = await make_user()
    await become_creator(user.client)

    response = await user.client.patch(ME, json={"display_name": "  Gordík  ", "bio": "Nový."})

    assert response.status_code == 200, response.text
    assert response.json()["display_name"] == "Gordík"
    assert response.json()["bio"] == "Nový."
    [row] = await all_rows(api_resources, Creator)
    assert (row.display_name, row.bio, row.slug) == ("Gordík", "Nový.", "gordikey")
    mine = (await user.client.get(ME)).json()
    assert mine["display_name"] == "Gordík"


@pytest.mark.parametrize(
    "body",
    [
        {"slug": "other-slug"},
        {"user_id": str(uuid.uuid4())},
        {"posts_version": 3},
        {"followers": 1000},
        {"display_name": None},
        {"bio": None},
        {"display_name": ""},
        {"avatar_asset_id": "not-a-uuid"},
    ],
)
async def test_profile_edits_refuse_what_may_not_be_set(
    body: dict[str, Any], make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    await become_creator(user.client)

    response = await user.client.patch(ME, json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    [row] = await all_rows(api_resources, Creator)
    assert (row.slug, row.display_name, row.bio, row.user_id) == (
        "gordikey",
        "Gordíkey",
        "Pes.",
        user.id,
    )


async def test_a_ready_image_of_mine_becomes_avatar_and_cover(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    await become_creator(user.client)
    avatar = await image(api_resources, user.id)
    cover = await image(api_resources, user.id)

    response = await user.client.patch(
        ME, json={"avatar_asset_id": str(avatar), "cover_asset_id": str(cover)}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["avatar_asset_id"] == str(avatar)
    assert body["avatar"]["id"] == str(avatar)
    assert set(body["avatar"]["urls"]) == {"320w.webp"}
    assert body["cover"]["id"] == str(cover)
    [row] = await all_rows(api_resources, Creator)
    assert (row.avatar_asset_id, row.cover_asset_id) == (avatar, cover)

    removed = await user.client.patch(ME, json={"avatar_asset_id": None})

    assert removed.status_code == 200
    assert removed.json()["avatar"] is None
    assert removed.json()["cover"]["id"] == str(cover)


async def test_unusable_images_are_refused_as_avatar(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    someone = await make_user()
    await become_creator(user.client)
    async with api_resources.unit_of_work() as session:
        owner = await session.get(User, user.id)
        assert owner is not None
        creator = await session.get(Creator, (await all_rows(api_resources, Creator))[0].id)
        assert creator is not None
        post = await make.post(session, creator)
    cases = {
        "asset_not_found": (422, await image(api_resources, someone.id)),
        "asset_not_image": (422, await image(api_resources, user.id, kind=MediaKind.VIDEO)),
        "asset_in_use": (422, await image(api_resources, user.id, post_id=post.id)),
        "asset_not_ready": (
            409,
            await image(api_resources, user.id, status=MediaStatus.PROCESSING),
        ),
    }
    cases["unknown"] = (422, uuid.uuid4())

    for code, (status, asset_id) in cases.items():
        for field in ("avatar_asset_id", "cover_asset_id"):
            response = await user.client.patch(ME, json={field: str(asset_id)})
            assert response.status_code == status, (code, response.text)
            expected = "asset_not_found" if code == "unknown" else code
            assert response.json()["error"]["code"] == expected

    [row] = await all_rows(api_resources, Creator)
    assert (row.avatar_asset_id, row.cover_asset_id) == (None, None)


async def test_a_creator_edits_only_their_own_profile(
    make_user: UserFactory, api_resources: Resources
) -> None:
    alice, bob = await make_user(), await make_user()
    await become_creator(alice.client, "alice")
    await become_creator(bob.client, "bob-the-dog")

    await bob.client.patch(ME, json={"bio": "Bob's bio"})

    rows = {row.slug: row for row in await all_rows(api_resources, Creator)}
    assert rows["alice"].bio == "Pes."
    assert rows["bob-the-dog"].bio == "Bob's bio"
    # No route writes a profile by id or slug: naming Alice's page does not reach it.
    for method in ("PATCH", "PUT", "DELETE"):
        response = await bob.client.request(method, f"{CREATORS}/alice", json={"bio": "hacked"})
        assert response.status_code == 405
    assert (await all_rows(api_resources, Creator, Creator.slug == "alice"))[0].bio == "Pes."
