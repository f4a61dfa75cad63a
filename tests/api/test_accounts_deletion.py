"""GDPR deletion: personal data anonymised or removed, payments history kept, sessions ended."""

from __future__ import annotations

import asyncio
import uuid

import httpx
import pytest
from sqlalchemy import text

from pickey_core.models import (
    Channel,
    Comment,
    Creator,
    DeliveryState,
    Follow,
    Like,
    Membership,
    MembershipStatus,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    Payment,
    Poll,
    PollOption,
    PollResultsVisibility,
    PollVote,
    Post,
    PostAccess,
    PostKind,
    PostUnlock,
    Tier,
    User,
)
from pickey_core.resources import Resources
from pickey_core.security.passwords import verify_password
from tests.support import factories as make
from tests.support.api_users import PASSWORD, ApiUser, UserFactory
from tests.support.db import all_rows, count

ME = "/api/v1/accounts/me"
LOGIN = "/api/v1/auth/login"


async def delete_me(
    client: httpx.AsyncClient, body: dict[str, object] | None = None
) -> httpx.Response:
    return await client.request("DELETE", ME, json={"password": PASSWORD} if body is None else body)


async def user_row(resources: Resources, user_id: uuid.UUID) -> User:
    [row] = await all_rows(resources, User, User.id == user_id)
    return row


async def seed_fan_activity(resources: Resources, user: ApiUser) -> None:
    """Follows, likes, a poll vote, preferences, a notification with its email delivery, a
    comment, a membership with its payment, a paid unlock; and a stranger's comment."""
    async with resources.unit_of_work() as session:
        me = await session.get(User, user.id)
        assert me is not None
        creator = await make.creator(session)
        tier = await make.tier(session, creator)
        await make.follow(session, me, creator)
        await make.membership(session, me, tier)
        post = await make.post(session, creator)
        poll_post = await make.post(session, creator, kind=PostKind.POLL)
        session.add(Poll(post_id=poll_post.id, results_visibility=PollResultsVisibility.ALWAYS))
        await session.flush()
        option = PollOption(post_id=poll_post.id, position=0, text="Ano")
        notification = Notification(event_key="welcome:x", recipient_id=me.id, kind="welcome")
        stranger = await make.user(session)
        session.add_all(
            [
                option,
                notification,
                Like(post_id=post.id, user_id=me.id),
                Comment(post_id=post.id, author_id=me.id, body="Moje osobní poznámka"),
                Comment(post_id=post.id, author_id=stranger.id, body="Cizí komentář"),
                NotificationPreference(
                    user_id=me.id, category="comments", channel=Channel.EMAIL, enabled=False
                ),
            ]
        )
        await session.flush()
        session.add_all(
            [
                PollVote(post_id=poll_post.id, user_id=me.id, option_id=option.id),
                NotificationDelivery(
                    notification_id=notification.id,
                    channel=Channel.EMAIL,
                    state=DeliveryState.SENT,
                ),
            ]
        )
        await session.flush()
        paid = await make.post(
            session,
            creator,
            access=PostAccess.PAID,
            unlock_price_amount=4900,
            unlock_currency="CZK",
        )
        await make.unlock(session, me, paid)
        session.add(
            Payment(
                kind="membership",
                state="paid",
                fan_id=me.id,
                creator_id=creator.id,
                tier_id=tier.id,
                amount=5900,
                currency="CZK",
            )
        )


async def test_deletion_anonymises_the_account_and_keeps_payments(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user("gordikey.fan@example.cz")
    await seed_fan_activity(api_resources, user)
    other_device = await api_client.post(LOGIN, json={"email": user.email, "password": PASSWORD})
    other_cookie = other_device.cookies["pickey_session"]
    api_client.cookies.clear()

    response = await delete_me(user.client)

    assert response.status_code == 204, response.text
    row = await user_row(api_resources, user.id)
    assert row.email == f"deleted-{user.id}@deleted.invalid"
    assert row.display_name == "Deleted user"
    assert row.deleted_at is not None
    assert row.email_verified_at is None
    assert not await verify_password(row.password_hash, PASSWORD)
    for model, column in [
        (Follow, Follow.follower_id),
        (Like, Like.user_id),
        (PollVote, PollVote.user_id),
        (NotificationPreference, NotificationPreference.user_id),
        (Notification, Notification.recipient_id),
    ]:
        assert await all_rows(api_resources, model, column == user.id) == [], model
    assert await count(api_resources, NotificationDelivery) == 0
    [own_comment] = await all_rows(api_resources, Comment, Comment.author_id == user.id)
    assert (own_comment.body, own_comment.deleted_at is not None) == ("", True)
    [strangers] = await all_rows(api_resources, Comment, Comment.author_id != user.id)
    assert (strangers.body, strangers.deleted_at) == ("Cizí komentář", None)
    payments = await all_rows(api_resources, Payment, Payment.fan_id == user.id)
    assert sorted(payment.amount for payment in payments) == [4900, 5900]
    assert len(await all_rows(api_resources, PostUnlock, PostUnlock.user_id == user.id)) == 1
    assert len(await all_rows(api_resources, Membership, Membership.fan_id == user.id)) == 1
    # Every session ended, the cookies are cleared, the old login is gone.
    assert "pickey_session=" in response.headers["set-cookie"]
    api_client.cookies.set("pickey_session", other_cookie, domain="api.test")
    assert (await api_client.get(ME)).status_code == 401
    api_client.cookies.clear()
    assert await api_resources.redis.keys("pickey:session:*") == []
    login = await api_client.post(LOGIN, json={"email": user.email, "password": PASSWORD})
    assert (login.status_code, login.json()["error"]["code"]) == (401, "invalid_credentials")


async def test_the_email_is_free_for_a_new_account_afterwards(
    api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    user = await make_user("fan@example.cz")
    assert (await delete_me(user.client)).status_code == 204

    again = await api_client.post(
        "/api/v1/accounts",
        json={"email": "fan@example.cz", "password": "uplne-nove-heslo", "display_name": "Fan"},
    )

    assert again.status_code == 201
    assert again.json()["user"]["id"] != str(user.id)


async def test_a_reset_link_sent_before_deletion_dies(
    api_client: httpx.AsyncClient, make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    await api_client.post("/api/v1/auth/password-reset", json={"email": user.email})
    tokens = await api_resources.redis.keys("pickey:account-token:password_reset:*")
    assert len(tokens) == 1

    assert (await delete_me(user.client)).status_code == 204

    assert await api_resources.redis.keys("pickey:account-token:*") == []


async def assert_untouched(resources: Resources, user: ApiUser) -> None:
    row = await user_row(resources, user.id)
    assert (row.email, row.deleted_at) == (user.email, None)
    assert await verify_password(row.password_hash, PASSWORD)
    assert len(await all_rows(resources, Follow, Follow.follower_id == user.id)) == 1
    assert (await user.client.get(ME)).status_code == 200


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"password": "not-my-password"}, 400, "wrong_password"),
        ({}, 422, "validation_error"),
        ({"password": ""}, 422, "validation_error"),
        ({"password": PASSWORD, "keep_payments": False}, 422, "validation_error"),
    ],
)
async def test_deletion_needs_the_password(
    make_user: UserFactory,
    api_resources: Resources,
    body: dict[str, object],
    status: int,
    code: str,
) -> None:
    user = await make_user()
    await seed_fan_activity(api_resources, user)

    response = await delete_me(user.client, body)

    assert response.status_code == status
    assert response.json()["error"]["code"] == code
    await assert_untouched(api_resources, user)


async def test_deletion_without_a_body_is_422(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    await seed_fan_activity(api_resources, user)

    response = await user.client.delete(ME)

    assert response.status_code == 422
    await assert_untouched(api_resources, user)


async def test_deletion_needs_the_csrf_header(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    await seed_fan_activity(api_resources, user)
    token = user.client.headers.pop("X-CSRF-Token")

    response = await delete_me(user.client)

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    user.client.headers["X-CSRF-Token"] = token
    await assert_untouched(api_resources, user)


async def test_deletion_needs_a_session(api_client: httpx.AsyncClient) -> None:
    response = await delete_me(api_client)

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"


async def test_a_creator_with_members_cannot_delete_the_account(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    async with api_resources.unit_of_work() as session:
        me = await session.get(User, user.id)
        assert me is not None
        creator = await make.creator(session, me, slug="gordikey")
        tier = await make.tier(session, creator)
        await make.membership(session, await make.user(session), tier, MembershipStatus.PAST_DUE)

    response = await delete_me(user.client)

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "creator_has_members"
    row = await user_row(api_resources, user.id)
    assert row.deleted_at is None
    [page] = await all_rows(api_resources, Creator)
    assert page.slug == "gordikey"
    assert (await user.client.get(ME)).status_code == 200


async def test_a_creator_without_members_closes_the_page_with_the_account(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    async with api_resources.unit_of_work() as session:
        me = await session.get(User, user.id)
        assert me is not None
        creator = await make.creator(session, me, slug="gordikey", bio="Pes")
        tier = await make.tier(session, creator)
        await make.membership(session, await make.user(session), tier, MembershipStatus.LAPSED)
        await make.post(session, creator, title="Můj příspěvek", body="Text")
        await make.follow(session, await make.user(session), creator)

    assert (await delete_me(user.client)).status_code == 204

    [page] = await all_rows(api_resources, Creator)
    assert (page.slug, page.display_name, page.bio) == (
        f"deleted-{page.id.hex}",
        "Deleted creator",
        "",
    )
    [archived] = await all_rows(api_resources, Tier)
    assert archived.archived_at is not None
    [post] = await all_rows(api_resources, Post)
    assert (post.title, post.body, post.deleted_at is not None) == ("", "", True)
    assert await count(api_resources, Follow) == 0
    assert await count(api_resources, Membership) == 1  # history stays


async def test_guessing_the_password_through_deletion_is_throttled(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    await seed_fan_activity(api_resources, user)

    answers = [(await delete_me(user.client, {"password": "guess"})).status_code for _ in range(5)]
    right = await delete_me(user.client)

    assert answers == [400] * 5
    assert (right.status_code, right.json()["error"]["code"]) == (429, "too_many_login_attempts")
    assert int(right.headers["Retry-After"]) > 0
    await assert_untouched(api_resources, user)


async def test_deletion_documents_its_body_and_errors(api_client: httpx.AsyncClient) -> None:
    operation = (await api_client.get("/openapi.json")).json()["paths"][ME]["delete"]

    assert operation["requestBody"]["required"] is True
    assert {"204", "400", "401", "403", "409", "422", "429"} <= set(operation["responses"])


async def test_a_closed_page_leaves_its_name_and_words_out_of_fans_notifications(
    make_user: UserFactory, api_resources: Resources
) -> None:
    user = await make_user()
    async with api_resources.unit_of_work() as session:
        me = await session.get(User, user.id)
        assert me is not None
        creator = await make.creator(session, me, slug="zdenka-maluje", display_name="Zdeňka")
        tier = await make.tier(session, creator)
        fan = await make.user(session)
        await make.membership(session, fan, tier, MembershipStatus.LAPSED)
        owner_of_thread = await make.user(session)
        post = await make.post(session, creator, title="Obraz", body="Tajný obraz")
        remark = Comment(post_id=post.id, author_id=fan.id, body="Krása")
        session.add(remark)
        await session.flush()
        facts = {
            "creator_id": str(creator.id),
            "creator_name": "Zdeňka",
            "creator_slug": "zdenka-maluje",
        }
        session.add_all(
            [
                Notification(
                    event_key=f"post:{post.id}",
                    recipient_id=fan.id,
                    kind="new_post",
                    data={
                        **facts,
                        "post_id": str(post.id),
                        "title": "Obraz",
                        "excerpt": "Tajný obraz",
                    },
                ),
                Notification(
                    event_key="membership_lapsed:x",
                    recipient_id=fan.id,
                    kind="membership_lapsed",
                    data={**facts, "tier_name": "Tier 5900"},
                ),
                Notification(
                    event_key=f"comment:{remark.id}",
                    recipient_id=owner_of_thread.id,
                    kind="comment_reply",
                    data={"post_title": "Obraz", "creator_slug": "zdenka-maluje"},
                ),
                Notification(
                    event_key="welcome:other",
                    recipient_id=fan.id,
                    kind="welcome",
                    data={"creator_name": "Someone else"},
                ),
            ]
        )

    assert (await delete_me(user.client)).status_code == 204

    by_key = {n.event_key: n.data for n in await all_rows(api_resources, Notification)}
    assert by_key[f"post:{post.id}"] == {
        "creator_id": str(creator.id),
        "creator_name": "Deleted creator",
        "creator_slug": None,
        "post_id": str(post.id),
        "title": None,
        "excerpt": None,
    }
    assert by_key["membership_lapsed:x"]["creator_name"] == "Deleted creator"
    assert by_key["membership_lapsed:x"]["tier_name"] == "Tier 5900"  # kept, as the tier
    assert by_key[f"comment:{remark.id}"] == {"post_title": None, "creator_slug": None}
    assert by_key["welcome:other"] == {"creator_name": "Someone else"}  # not about the page


async def waiting_for_a_lock(resources: Resources, task: asyncio.Task[httpx.Response]) -> None:
    """Until PostgreSQL shows a backend of this database waiting for a row lock."""
    for _ in range(600):
        assert not task.done(), (await task).text
        async with resources.sessions() as probe:
            waiting = await probe.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                    " AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.05)
    raise AssertionError("the deletion never waited for the lock")


async def test_a_notice_written_while_deletion_waits_is_blanked_too(
    make_user: UserFactory, api_resources: Resources
) -> None:
    """A notification job share-locks the fan's row before reading the name; a deletion that
    starts meanwhile waits for it and then blanks what it wrote."""
    user = await make_user()
    async with api_resources.unit_of_work() as session:
        owner = await make.user(session)
        creator = await make.creator(session, owner)
        tier = await make.tier(session, creator)
        fan = await session.get(User, user.id)
        assert fan is not None
        membership = await make.membership(session, fan, tier)
        payment = Payment(
            kind="membership",
            state="paid",
            fan_id=fan.id,
            creator_id=creator.id,
            tier_id=tier.id,
            membership_id=membership.id,
            amount=5900,
            currency="CZK",
        )
        session.add(payment)
    job = api_resources.sessions()
    async with job.begin():
        read = await job.get(User, user.id, with_for_update={"read": True})
        assert read is not None
        name = read.display_name
        deletion = asyncio.create_task(delete_me(user.client))
        await waiting_for_a_lock(api_resources, deletion)
        job.add(
            Notification(
                event_key=f"payment_succeeded:{payment.id}",
                recipient_id=owner.id,
                kind="new_member",
                data={"fan_name": name, "tier_name": "Tier 5900"},
            )
        )
    await job.close()

    assert (await deletion).status_code == 204
    [notice] = await all_rows(api_resources, Notification, Notification.recipient_id == owner.id)
    assert notice.data == {"fan_name": None, "tier_name": "Tier 5900"}
