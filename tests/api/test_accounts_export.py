"""GDPR export: everything about the user as JSON, nothing secret, nothing of other people."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import httpx

from pickey_core.models import (
    Channel,
    Comment,
    Like,
    MediaAsset,
    MediaKind,
    MediaStatus,
    Notification,
    NotificationPreference,
    Poll,
    PollOption,
    PollResultsVisibility,
    PollVote,
    PostAccess,
    PostKind,
    PostStatus,
    User,
)
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser, UserFactory

EXPORT = "/api/v1/accounts/me/export"


@dataclass
class Seeded:
    creator_id: uuid.UUID
    tier_id: uuid.UUID
    member_post_id: uuid.UUID
    draft_id: uuid.UUID
    followed_creator_id: uuid.UUID
    membership_id: uuid.UUID
    unlocked_post_id: uuid.UUID
    comment_id: uuid.UUID
    liked_post_id: uuid.UUID
    poll_option_id: uuid.UUID
    notification_id: uuid.UUID
    media_id: uuid.UUID


async def seed(resources: Resources, user: ApiUser) -> Seeded:
    """The user is a creator (a tier, a member-only post, a draft) and a fan of someone else
    (follow, membership, a paid unlock, a comment, a like, a poll vote), with a notification,
    a preference and an upload. Someone else comments too."""
    async with resources.unit_of_work() as session:
        me = await session.get(User, user.id)
        assert me is not None
        mine = await make.creator(session, me, slug="gordikey", bio="Pes, který miluje granule.")
        tier = await make.tier(session, mine, 5900, name="Na granulkey")
        member_post = await make.post(
            session, mine, access=PostAccess.MEMBERS, tiers=[tier], title="Jen pro členy"
        )
        draft = await make.post(session, mine, status=PostStatus.DRAFT, title="Koncept")
        other = await make.creator(session)
        other_tier = await make.tier(session, other, 9900)
        await make.follow(session, me, other)
        membership = await make.membership(session, me, other_tier)
        public_post = await make.post(session, other)
        paid_post = await make.post(
            session,
            other,
            access=PostAccess.PAID,
            unlock_price_amount=4900,
            unlock_currency="CZK",
        )
        await make.unlock(session, me, paid_post, amount=4900)
        comment = Comment(post_id=public_post.id, author_id=me.id, body="Hezký!")
        stranger = await make.user(session)
        session.add_all(
            [
                comment,
                Comment(post_id=public_post.id, author_id=stranger.id, body="Cizí komentář"),
                Like(post_id=public_post.id, user_id=me.id),
            ]
        )
        poll_post = await make.post(session, other, kind=PostKind.POLL)
        session.add(Poll(post_id=poll_post.id, results_visibility=PollResultsVisibility.ALWAYS))
        await session.flush()
        option = PollOption(post_id=poll_post.id, position=0, text="Granule")
        session.add(option)
        await session.flush()
        notification = Notification(
            event_key="welcome:test", recipient_id=me.id, kind="welcome", data={"a": 1}
        )
        media = MediaAsset(
            owner_id=me.id,
            kind=MediaKind.IMAGE,
            status=MediaStatus.READY,
            content_type="image/jpeg",
            byte_size=1234,
        )
        session.add_all(
            [
                PollVote(post_id=poll_post.id, user_id=me.id, option_id=option.id),
                notification,
                NotificationPreference(
                    user_id=me.id, category="new_post", channel=Channel.EMAIL, enabled=False
                ),
                media,
            ]
        )
        await session.flush()
        return Seeded(
            creator_id=mine.id,
            tier_id=tier.id,
            member_post_id=member_post.id,
            draft_id=draft.id,
            followed_creator_id=other.id,
            membership_id=membership.id,
            unlocked_post_id=paid_post.id,
            comment_id=comment.id,
            liked_post_id=public_post.id,
            poll_option_id=option.id,
            notification_id=notification.id,
            media_id=media.id,
        )


async def test_export_holds_all_the_users_data(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user("gordikey@example.cz")
    seeded = await seed(api_resources, user)

    response = await user.client.get(EXPORT)

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert "attachment" in response.headers["content-disposition"]
    data = response.json()
    assert data["profile"]["id"] == str(user.id)
    assert data["profile"]["email"] == "gordikey@example.cz"
    creator = data["creator"]
    assert (creator["id"], creator["slug"]) == (str(seeded.creator_id), "gordikey")
    assert creator["bio"] == "Pes, který miluje granule."
    assert [(t["id"], t["price_amount"], t["currency"]) for t in creator["tiers"]] == [
        (str(seeded.tier_id), 5900, "CZK")
    ]
    posts = {post["id"]: post for post in data["posts"]}
    assert set(posts) == {str(seeded.member_post_id), str(seeded.draft_id)}
    assert posts[str(seeded.member_post_id)]["tier_ids"] == [str(seeded.tier_id)]
    assert posts[str(seeded.draft_id)]["status"] == "draft"
    assert [c["id"] for c in data["comments"]] == [str(seeded.comment_id)]
    assert data["comments"][0]["body"] == "Hezký!"
    assert [like["post_id"] for like in data["likes"]] == [str(seeded.liked_post_id)]
    assert [vote["option_id"] for vote in data["poll_votes"]] == [str(seeded.poll_option_id)]
    assert [f["creator_id"] for f in data["follows"]] == [str(seeded.followed_creator_id)]
    assert [m["id"] for m in data["memberships"]] == [str(seeded.membership_id)]
    assert data["memberships"][0]["status"] == "active"
    [payment] = data["payments"]
    assert (payment["kind"], payment["amount"], payment["currency"]) == ("unlock", 4900, "CZK")
    assert payment["post_id"] == str(seeded.unlocked_post_id)
    assert [u["post_id"] for u in data["post_unlocks"]] == [str(seeded.unlocked_post_id)]
    assert [n["id"] for n in data["notifications"]] == [str(seeded.notification_id)]
    assert data["notification_preferences"] == [
        {
            "category": "new_post",
            "channel": "email",
            "enabled": False,
            "updated_at": data["notification_preferences"][0]["updated_at"],
        }
    ]
    assert [m["id"] for m in data["media"]] == [str(seeded.media_id)]


async def test_export_holds_no_secrets_and_nothing_of_other_people(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    await seed(api_resources, user)

    text = (await user.client.get(EXPORT)).text

    assert "password_hash" not in text
    assert "$argon2" not in text
    assert user.csrf_token not in text
    assert user.client.cookies["pickey_session"] not in text
    assert "Cizí komentář" not in text


async def test_a_fan_without_a_creator_page_gets_empty_sections(make_user: UserFactory) -> None:
    user = await make_user()

    response = await user.client.get(EXPORT)

    assert response.status_code == 200
    data = response.json()
    assert data["creator"] is None
    assert data["posts"] == data["payments"] == data["comments"] == []


async def test_export_needs_a_session(api_client: httpx.AsyncClient) -> None:
    response = await api_client.get(EXPORT)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
