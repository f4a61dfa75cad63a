"""A new post: entitled members get it in full, followers a teaser unless the post is public;
preferences pick the channels; the creator's channel gets one event; email goes out in batches."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from pickey_core.models import (
    Channel,
    DeliveryState,
    EmailSuppression,
    MembershipStatus,
    Post,
    PostAccess,
    SuppressionReason,
    User,
)
from pickey_core.providers.pusher import creator_channel, user_channel
from pickey_core.queue.contracts import AnnounceNewPost
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from tests.notifications.helpers import enqueue, ledger, of, one, prefer, states
from tests.support import factories
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.workers import drain

SECRET_BODY = "Gordíkey's steak recipe: only for Na steaky members."


@dataclass
class Scene:
    creator_user: User
    creator_id: uuid.UUID
    post: Post
    users: dict[str, User]


async def scene(resources: Resources, access: PostAccess = PostAccess.MEMBERS) -> Scene:
    """Gordíkey's steak-tier post and everyone around it."""
    async with resources.unit_of_work() as session:
        owner = await factories.user(session, email="gordikey@example.cz")
        creator = await factories.creator(session, owner, display_name="Gordíkey")
        low = await factories.tier(session, creator, 5900, name="Na granulkey")
        high = await factories.tier(session, creator, 9900, name="Na steaky")
        users = {
            "steak_en": await factories.user(
                session, email="steak-en@example.cz", display_name="Steak Fan", locale="en"
            ),
            "steak_cs": await factories.user(
                session, email="steak-cs@example.cz", display_name="Milovník steaků"
            ),
            "past_due": await factories.user(session, email="past-due@example.cz"),
            "lapsed": await factories.user(session, email="lapsed@example.cz"),
            "kibble": await factories.user(session, email="kibble@example.cz"),
            "follower": await factories.user(session, email="follower@example.cz"),
            "follower_opted_in": await factories.user(
                session, email="opted-in@example.cz", display_name="<b>Eva</b>"
            ),
            "deleted": await factories.user(
                session, email="deleted@example.cz", deleted_at=datetime.now(UTC)
            ),
            "stranger": await factories.user(session, email="stranger@example.cz"),
        }
        for name in ("steak_en", "steak_cs", "deleted"):
            await factories.membership(session, users[name], high)
        await factories.membership(session, users["past_due"], high, MembershipStatus.PAST_DUE)
        await factories.membership(session, users["lapsed"], high, MembershipStatus.LAPSED)
        await factories.membership(session, users["kibble"], low)
        for name in ("kibble", "follower", "follower_opted_in", "steak_en"):
            await factories.follow(session, users[name], creator)
        await factories.follow(session, owner, creator)  # a creator following themselves
        post = await factories.post(
            session,
            creator,
            access=access,
            tiers=[high] if access is PostAccess.MEMBERS else None,
            title="Steak night",
            body=SECRET_BODY,
        )
    await prefer(resources, users["follower_opted_in"].id, "new_post_followed", Channel.EMAIL, True)
    return Scene(owner, creator.id, post, users)


def emails_to(mailgun: MailgunSandbox, address: str) -> list[dict[str, Any]]:
    return mailgun.deliveries(address)


async def test_members_get_it_in_full_and_followers_a_teaser(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    s = await scene(resources)
    await enqueue(resources, AnnounceNewPost(post_id=s.post.id))

    await drain(worker)

    rows = await ledger(resources)
    u = s.users
    for name in ("steak_en", "steak_cs", "past_due"):
        row = one(rows, u[name].id)
        assert (row.kind, row.in_app, row.data["excerpt"]) == ("new_post", True, SECRET_BODY)
        assert states(row) == {
            Channel.EMAIL: DeliveryState.SENT,
            Channel.REALTIME: DeliveryState.SENT,
        }
    # Not entitled (lower tier) but following: the teaser, as a follower.
    for name in ("kibble", "follower", "follower_opted_in"):
        row = one(rows, u[name].id)
        assert (row.kind, row.data["locked"], row.data["excerpt"]) == (
            "new_post_followed",
            True,
            None,
        )
        assert SECRET_BODY not in json.dumps(row.data)
    # Follower email is off by default; on for the one who asked.
    assert states(one(rows, u["follower"].id))[Channel.EMAIL] is DeliveryState.SUPPRESSED
    assert states(one(rows, u["follower_opted_in"].id))[Channel.EMAIL] is DeliveryState.SENT
    for name in ("lapsed", "deleted", "stranger"):
        assert of(rows, u[name].id) == []
    [channel_row] = of(rows, s.creator_user.id)
    assert (channel_row.kind, channel_row.in_app) == ("creator_channel_post", False)

    # Email: the body only to members, never to a follower.
    [steak] = emails_to(mailgun_sandbox, "steak-en@example.cz")
    assert SECRET_BODY in steak["text"]
    assert SECRET_BODY in steak["html"].replace("&#39;", "'")
    assert steak["subject"] == "Gordíkey: Steak night"
    assert "Hi Steak Fan," in steak["text"]
    [teaser] = emails_to(mailgun_sandbox, "opted-in@example.cz")
    assert "Steak night" in teaser["text"]
    assert "for members" not in teaser["text"]  # Czech user: Czech text
    assert "Příspěvek je pro členy" in teaser["text"]
    assert "recipe" not in teaser["text"] + teaser["html"]
    # The name is escaped in HTML and left as written in the text.
    assert "Ahoj <b>Eva</b>," in teaser["text"]
    assert "Ahoj &lt;b&gt;Eva&lt;/b&gt;," in teaser["html"]
    assert emails_to(mailgun_sandbox, "follower@example.cz") == []

    # Realtime: one event on the creator's channel (teaser-safe), one per recipient.
    [announced] = pusher_sandbox.events(channel=creator_channel(s.creator_id))
    assert announced["name"] == "new_post"
    assert json.loads(announced["data"])["title"] == "Steak night"
    assert SECRET_BODY not in announced["data"]
    [mine] = pusher_sandbox.events(channel=user_channel(u["steak_en"].id))
    assert json.loads(mine["data"])["kind"] == "new_post"
    [theirs] = pusher_sandbox.events(channel=user_channel(u["follower"].id))
    assert SECRET_BODY not in theirs["data"]
    assert pusher_sandbox.events(channel=user_channel(u["lapsed"].id)) == []


async def test_a_public_post_reaches_followers_in_full(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    s = await scene(resources, PostAccess.PUBLIC)
    await enqueue(resources, AnnounceNewPost(post_id=s.post.id))

    await drain(worker)

    rows = await ledger(resources)
    assert one(rows, s.users["follower"].id).data["excerpt"] == SECRET_BODY
    # Every member is entitled to a public post, whatever their tier.
    assert one(rows, s.users["kibble"].id).kind == "new_post"
    [email] = emails_to(mailgun_sandbox, "opted-in@example.cz")
    assert SECRET_BODY in email["text"]


async def test_a_paid_post_is_a_teaser_for_everyone_who_has_not_bought_it(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    s = await scene(resources, PostAccess.PAID)
    await enqueue(resources, AnnounceNewPost(post_id=s.post.id))

    await drain(worker)

    rows = await ledger(resources)
    assert of(rows, s.users["steak_cs"].id) == []  # a member, but the post is sold separately
    follower = one(rows, s.users["steak_en"].id)  # also follows: the teaser
    assert (follower.kind, follower.data["excerpt"]) == ("new_post_followed", None)
    [email] = emails_to(mailgun_sandbox, "opted-in@example.cz")
    assert "odemknout" in email["text"]
    assert SECRET_BODY not in email["text"]


async def test_preferences_and_suppressed_addresses_pick_the_channels(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    s = await scene(resources)
    u = s.users
    await prefer(resources, u["steak_cs"].id, "new_post", Channel.IN_APP, False)
    await prefer(resources, u["steak_cs"].id, "new_post", Channel.REALTIME, False)
    await prefer(resources, u["past_due"].id, "new_post", Channel.EMAIL, False)
    async with resources.unit_of_work() as session:
        session.add(
            EmailSuppression(
                address="STEAK-EN@example.cz".lower(), reason=SuppressionReason.BOUNCED
            )
        )
    await enqueue(resources, AnnounceNewPost(post_id=s.post.id))

    await drain(worker)

    rows = await ledger(resources)
    quiet = one(rows, u["steak_cs"].id)
    assert quiet.in_app is False
    assert states(quiet) == {
        Channel.EMAIL: DeliveryState.SENT,
        Channel.REALTIME: DeliveryState.SUPPRESSED,
    }
    no_email = one(rows, u["past_due"].id)
    assert no_email.in_app is True
    assert no_email.deliveries[Channel.EMAIL] == (
        DeliveryState.SUPPRESSED,
        0,
        "suppressed: preference off",
    )
    bounced = one(rows, u["steak_en"].id)
    assert bounced.deliveries[Channel.EMAIL][0] is DeliveryState.SUPPRESSED
    assert "bounced" in (bounced.deliveries[Channel.EMAIL][2] or "")
    assert emails_to(mailgun_sandbox, "steak-en@example.cz") == []
    assert emails_to(mailgun_sandbox, "past-due@example.cz") == []
    assert len(emails_to(mailgun_sandbox, "steak-cs@example.cz")) == 1


async def test_a_post_that_is_no_longer_listed_announces_nothing(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    s = await scene(resources)
    async with resources.unit_of_work() as session:
        post = await session.get(Post, s.post.id)
        assert post is not None
        post.deleted_at = datetime.now(UTC)
    await enqueue(resources, AnnounceNewPost(post_id=s.post.id))

    await drain(worker)

    assert await ledger(resources) == []
    assert mailgun_sandbox.messages() == []


@pytest.fixture
def small_chunks_worker(settings: Any) -> WorkerOptions:
    from pickey_notifications.worker import notifications_worker

    tuned = settings.model_copy(
        update={
            "delivery": settings.delivery.model_copy(
                update={"fan_out_chunk_size": 4, "email_batch_size": 3}
            )
        }
    )
    return notifications_worker(tuned)


async def test_many_members_share_batched_calls_in_several_chunks(
    resources: Resources,
    small_chunks_worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    async with resources.unit_of_work() as session:
        creator = await factories.creator(session)
        tier = await factories.tier(session, creator)
        fans = [await factories.user(session, display_name=f"Fan {n}") for n in range(10)]
        for fan in fans:
            await factories.membership(session, fan, tier)
        post = await factories.post(session, creator)
    await enqueue(resources, AnnounceNewPost(post_id=post.id))

    await drain(small_chunks_worker)

    # Chunks of 4, 4 and 2 people (3 jobs); email batches of at most 3: 2 + 2 + 1 calls.
    assert mailgun_sandbox.stats() == {"received": 5, "calls": 5, "deliveries": 10}
    batch = next(m for m in mailgun_sandbox.messages() if len(m["to"]) == 3)
    assert batch["batch"] is True
    personal = batch["deliveries"]
    assert len({d["headers"]["List-Unsubscribe"] for d in personal}) == 3
    assert all(d["to"] == [d["recipient"]] for d in personal)
    names = {d["text"].splitlines()[0] for d in personal}
    assert len(names) == 3
    assert all(name.startswith("Ahoj Fan ") for name in names)
    # Pusher: per chunk one trigger on its 4 (or 2) channels, plus the creator's channel.
    assert pusher_sandbox.stats() == {"calls": 4, "events": 11, "refused": 0}
