"""The creator's own post list and post view say plainly whether anyone sees a post, why not and
what to do: a published video whose processing failed is ``media_failed``, not just
``published`` with no media."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from pickey_core.models import Creator, MediaKind, MediaStatus, PostKind, PostStatus, User
from pickey_core.resources import Resources
from tests.support import factories
from tests.support.api_users import ApiUser, UserFactory

OWN_LIST = "/api/v1/creators/me/posts"
VIDEO = {"kind": MediaKind.VIDEO}


@pytest.fixture
async def creator(make_user: UserFactory, api_resources: Resources) -> ApiUser:
    user = await make_user()
    async with api_resources.unit_of_work() as session:
        owner = await session.get(User, user.id)
        assert owner is not None
        await factories.creator(session, owner, slug="gordikey")
    return user


async def make_post(
    resources: Resources, user: ApiUser, assets: list[dict[str, Any]], **fields: Any
) -> str:
    async with resources.unit_of_work() as session:
        owner = await session.get(User, user.id)
        assert owner is not None
        page = await session.scalar(select(Creator).where(Creator.user_id == owner.id))
        assert page is not None
        post = await factories.post(session, page, **fields)
        for asset in assets:
            await factories.media_asset(session, owner, post_id=post.id, **asset)
    return str(post.id)


async def visibility(user: ApiUser, post_id: str) -> dict[str, Any]:
    """The post's visibility from its view, checked to be the same in the creator's list."""
    view = await user.client.get(f"/api/v1/posts/{post_id}")
    assert view.status_code == 200, view.text
    listed = await user.client.get(OWN_LIST)
    assert listed.status_code == 200, listed.text
    [in_list] = [item for item in listed.json()["items"] if item["id"] == post_id]
    shown: dict[str, Any] = view.json()["editing"]["visibility"]
    assert in_list["editing"]["visibility"] == shown
    return shown


async def test_a_published_video_that_failed_says_nobody_sees_it_why_and_what_to_do(
    creator: ApiUser, api_resources: Resources
) -> None:
    post_id = await make_post(
        api_resources,
        creator,
        [
            VIDEO
            | {
                "status": MediaStatus.FAILED,
                "failure_reason": "Mux: asset errored (invalid_input): could not be decoded.",
                "failure_code": "unreadable_file",
            }
        ],
        kind=PostKind.VIDEO,
        media_ready=False,
        title="Procházka",
    )

    shown = await visibility(creator, post_id)

    assert (shown["visible"], shown["code"]) == (False, "media_failed")
    assert shown["text"]["cs"] == (
        "Příspěvek nikdo nevidí: video se nepodařilo zpracovat. Soubor je poškozený nebo neúplný "
        "a nedá se přečíst. Nahrajte soubor znovu v úpravách příspěvku; příspěvek se pak zobrazí "
        "sám."
    )
    assert shown["text"]["en"].startswith("Nobody can see this post: its video could not be")
    assert shown["media_failure"]["code"] == "unreadable_file"
    assert "decoded" not in str(shown)


@pytest.mark.parametrize(
    ("assets", "fields", "code", "visible"),
    [
        (
            [VIDEO | {"status": MediaStatus.PROCESSING}],
            {"media_ready": False},
            "media_processing",
            False,
        ),
        ([], {"media_ready": False}, "media_missing", False),
        ([VIDEO], {"status": PostStatus.DRAFT}, "draft", False),
        ([VIDEO], {"status": PostStatus.SCHEDULED}, "scheduled", False),
        ([VIDEO], {}, "visible", True),
    ],
    ids=["processing", "no-video", "draft", "scheduled", "visible"],
)
async def test_every_other_state_is_said_too(
    creator: ApiUser,
    api_resources: Resources,
    assets: list[dict[str, Any]],
    fields: dict[str, Any],
    code: str,
    visible: bool,
) -> None:
    post_id = await make_post(api_resources, creator, assets, kind=PostKind.VIDEO, **fields)

    shown = await visibility(creator, post_id)

    assert (shown["code"], shown["visible"], shown["media_failure"]) == (code, visible, None)
    assert shown["text"]["cs"].endswith(".")
    assert shown["text"]["en"].endswith(".")


async def test_only_the_creator_gets_the_visibility(
    creator: ApiUser, api_resources: Resources, make_user: UserFactory
) -> None:
    post_id = await make_post(api_resources, creator, [VIDEO], kind=PostKind.VIDEO)
    stranger = await make_user()

    seen = await stranger.client.get(f"/api/v1/posts/{post_id}")

    assert seen.status_code == 200
    assert seen.json()["editing"] is None
