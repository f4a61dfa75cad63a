"""The one-click unsubscribe link of non-transactional email: opening it changes nothing, posting
it (a mail client's RFC 8058 request or the page's button) turns that category's email off;
bad links get a clear error."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from pydantic import SecretStr

from pickey_core.models import Channel, DeliveryState, NotificationPreference
from pickey_core.notification_categories import Category
from pickey_core.queue.contracts import AnnounceNewPost, SendWelcome
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from pickey_notifications.unsubscribe.tokens import make_token
from tests.notifications.helpers import enqueue, ledger, states
from tests.support import factories
from tests.support.db import all_rows
from tests.support.sandbox import MailgunSandbox
from tests.support.settings import UNSUBSCRIBE_SIGNING_KEY
from tests.support.workers import drain

ONE_CLICK = {"List-Unsubscribe": "One-Click"}
SOMEONE = uuid.UUID("6f1c2a9e-0d3b-4c57-9a1e-2b7f4e8d0c13")


async def member_with_email(
    resources: Resources, worker: WorkerOptions, mailgun: MailgunSandbox
) -> tuple[uuid.UUID, Any, str]:
    async with resources.unit_of_work() as session:
        creator = await factories.creator(session)
        tier = await factories.tier(session, creator)
        member = await factories.user(session, email="member@example.cz", locale="en")
        await factories.membership(session, member, tier)
        post = await factories.post(session, creator)
    await enqueue(resources, AnnounceNewPost(post_id=post.id))
    await drain(worker)
    [email] = mailgun.deliveries("member@example.cz")
    header = email["headers"]["List-Unsubscribe"]
    assert email["headers"]["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = header.strip("<>")
    assert url in email["text"]
    parts = urlsplit(url)
    assert (parts.scheme, parts.netloc, parts.path) == (
        "https",
        "notify.pickey.test",
        "/unsubscribe",
    )
    return member.id, creator, f"{parts.path}?{parts.query}"


async def choices(resources: Resources) -> list[tuple[uuid.UUID, str, Channel, bool]]:
    return [
        (row.user_id, row.category, row.channel, row.enabled)
        for row in await all_rows(resources, NotificationPreference)
    ]


async def test_the_link_turns_that_categorys_email_off_in_one_click(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    app_client: httpx.AsyncClient,
) -> None:
    member_id, creator, link = await member_with_email(resources, worker, mailgun_sandbox)

    page = await app_client.get(link)
    assert page.status_code == 200
    assert "Stop receiving emails about new posts from creators you support?" in page.text
    assert await choices(resources) == []  # opening the link (a mail scanner) changes nothing

    done = await app_client.post(link, data=ONE_CLICK)
    again = await app_client.post(link, data=ONE_CLICK)

    assert (done.status_code, again.status_code) == (200, 200)
    assert "We will not email you about new posts" in done.text
    assert await choices(resources) == [(member_id, "new_post", Channel.EMAIL, False)]

    async with resources.unit_of_work() as session:
        post = await factories.post(session, creator)
    await enqueue(resources, AnnounceNewPost(post_id=post.id))
    await drain(worker)
    [later] = [row for row in await ledger(resources) if row.event_key == f"post:{post.id}"]
    assert states(later) == {
        Channel.EMAIL: DeliveryState.SUPPRESSED,
        Channel.REALTIME: DeliveryState.SENT,
    }
    assert later.in_app is True  # only email was turned off


async def test_transactional_email_has_no_unsubscribe_link(
    resources: Resources, worker: WorkerOptions, mailgun_sandbox: MailgunSandbox
) -> None:
    async with resources.unit_of_work() as session:
        user = await factories.user(session, email="new@example.cz")
    await enqueue(resources, SendWelcome(user_id=user.id))
    await drain(worker)

    [email] = mailgun_sandbox.deliveries("new@example.cz")
    assert "List-Unsubscribe" not in email["headers"]
    assert "unsubscribe" not in email["text"].lower()
    [row] = await ledger(resources)
    assert (row.kind, row.in_app) == ("welcome", False)  # email only, as the table says


@pytest.mark.parametrize(
    ("token", "status", "code"),
    [
        ("garbage", 400, "invalid_unsubscribe_link"),
        (f"{SOMEONE.hex}.new_post.{'A' * 43}", 400, "invalid_unsubscribe_link"),
        (f"{SOMEONE.hex}.no_such_category.{'A' * 43}", 400, "invalid_unsubscribe_link"),
        (
            make_token(SecretStr("another-key"), SOMEONE, Category.NEW_POST),
            400,
            "invalid_unsubscribe_link",
        ),
        (
            make_token(SecretStr(UNSUBSCRIBE_SIGNING_KEY), SOMEONE, Category.MONEY),
            422,
            "preference_locked",
        ),
    ],
)
async def test_bad_links_get_a_clear_error_and_change_nothing(
    resources: Resources, app_client: httpx.AsyncClient, token: str, status: int, code: str
) -> None:
    for method in ("GET", "POST"):
        response = await app_client.request(method, "/unsubscribe", params={"token": token})

        assert response.status_code == status
        assert response.json()["error"]["code"] == code
    assert await choices(resources) == []


async def test_a_link_without_a_token_is_a_validation_error(
    resources: Resources, app_client: httpx.AsyncClient
) -> None:
    response = await app_client.post("/unsubscribe")

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_the_link_of_a_deleted_account_does_nothing_successfully(
    resources: Resources, app_client: httpx.AsyncClient
) -> None:
    token = make_token(SecretStr(UNSUBSCRIBE_SIGNING_KEY), uuid.uuid4(), Category.TIP)

    response = await app_client.post("/unsubscribe", params={"token": token}, data=ONE_CLICK)

    assert response.status_code == 200
    assert await choices(resources) == []
