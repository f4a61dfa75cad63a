"""End to end with real processes (the api server and the notifications worker, started by their
entry points): a creator publishes a member-only post over HTTP → a member gets it in-app (read
through the api), on their realtime channel (seen in the Pusher sandbox) and by email (seen in the
Mailgun sandbox), each exactly once; a follower gets the teaser in-app and no body anywhere."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import select

from pickey_core.models import Tier, User
from pickey_core.providers.pusher import creator_channel, user_channel
from pickey_core.queue import outbox
from pickey_core.resources import Resources
from tests.support import factories
from tests.support.e2e_accounts import created, signed_in
from tests.support.processes import running_all, web, worker
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.settings import TestEnvironment

SECRET_BODY = "Gordíkey's steak recipe: only for Na steaky members."


async def wait_until_quiet(resources: Resources, timeout: float = 60) -> None:
    """Every job (sign-up emails, the announcement, its chunks) has completed."""
    deadline = time.monotonic() + timeout
    while await outbox.count_unfinished(resources):
        assert time.monotonic() < deadline, "jobs still unfinished"
        await asyncio.sleep(0.2)


async def test_a_published_post_reaches_members_on_every_channel_once(
    test_env: TestEnvironment,
    clean_state: None,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
    tmp_path: Path,
) -> None:
    api, base_url = web("api")
    env = {**test_env.variables(), "PICKEY_SESSION__COOKIE_SECURE": "false"}
    resources = await Resources.open(test_env.notifications())
    try:
        with running_all([api, worker("notifications")], env=env, log_dir=tmp_path):
            creator = signed_in(base_url, "gordikey@example.cz", "Gordíkey", test_env.database_url)
            created(
                creator.post("/creators", json={"slug": "gordikey", "display_name": "Gordíkey"})
            )
            creator.headers["X-CSRF-Token"] = creator.cookies["pickey_csrf"]
            tier = created(
                creator.post(
                    "/creators/me/tiers",
                    json={"name": "Na steaky", "price_amount": 9900, "currency": "CZK"},
                )
            )
            member = signed_in(base_url, "member@example.cz", "Jana", test_env.database_url)
            follower = signed_in(base_url, "follower@example.cz", "Petr", test_env.database_url)
            assert follower.put("/creators/gordikey/follow").status_code == 204
            # Memberships are written by `payments` (not running here): straight to the table.
            async with resources.unit_of_work() as session:
                fan = await session.scalar(select(User).where(User.email == "member@example.cz"))
                steaky = await session.get(Tier, tier["id"])
                assert fan is not None
                assert steaky is not None
                await factories.membership(session, fan, steaky)
                member_id, creator_id = fan.id, steaky.creator_id
                follower_id = await session.scalar(
                    select(User.id).where(User.email == "follower@example.cz")
                )
            post = created(
                creator.post(
                    "/posts",
                    json={
                        "kind": "text",
                        "title": "Steak night",
                        "body": SECRET_BODY,
                        "access": "members",
                        "tier_ids": [tier["id"]],
                    },
                )
            )
            assert created(creator.post(f"/posts/{post['id']}/publish"))["status"] == "published"

            await wait_until_quiet(resources)

            # In-app, read through the api as the member and the follower.
            [mine] = in_app(member, "new_post")
            assert (mine["data"]["title"], mine["data"]["excerpt"]) == ("Steak night", SECRET_BODY)
            [theirs] = in_app(follower, "new_post_followed")
            assert theirs["data"]["excerpt"] is None
            assert SECRET_BODY not in json.dumps(theirs)
    finally:
        await resources.close()

    # Realtime: the member's channel once, the creator's channel once, no body for followers.
    [event] = pusher_sandbox.events(channel=user_channel(member_id))
    assert json.loads(event["data"])["data"]["excerpt"] == SECRET_BODY
    [announced] = pusher_sandbox.events(channel=creator_channel(creator_id))
    assert SECRET_BODY not in announced["data"]
    [teaser] = pusher_sandbox.events(channel=user_channel(follower_id))
    assert SECRET_BODY not in teaser["data"]

    # Email: the member once, with the body; the follower (email off by default) none.
    announcements = [m for m in mailgun_sandbox.messages() if m["tags"] == ["new_post"]]
    [email] = [d for m in announcements for d in m["deliveries"]]
    assert email["recipient"] == "member@example.cz"
    assert SECRET_BODY in email["text"]
    assert email["headers"]["List-Unsubscribe"].startswith("<")


def in_app(client: httpx.Client, kind: str) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = created(client.get("/notifications"))["items"]  # type: ignore[assignment]
    return [item for item in items if item["kind"] == kind]
