"""After ``DELETE /api/v1/accounts/me``, the person's name, address and words are nowhere we
control: every text and JSON column of every table (found in information_schema, so a new table
is searched too) and every Redis key and value, after every job ran (welcome and verification
emails, the new-post fan-out, comment and payment notices, a Mailgun complaint) with the real
notifications worker. The only allowed finds are in columns the registry keeps for accounting.

The api runs in-process (httpx ASGI), the notifications worker is the real arq worker drained in
this event loop, Mailgun and Pusher are the sandbox over HTTP."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select

from pickey_api.app import create_app
from pickey_core.erasure.registry import REGISTRY, Treatment
from pickey_core.models import (
    Channel,
    DeliveryState,
    EmailSuppression,
    Payment,
    PaymentKind,
    PaymentState,
    Tier,
    User,
)
from pickey_core.queue import outbox
from pickey_core.queue.contracts import AnnouncePayment
from pickey_core.resources import Resources
from pickey_notifications.app import create_app as create_notifications_app
from pickey_notifications.worker import notifications_worker
from tests.notifications.helpers import ledger, states
from tests.support import factories
from tests.support.accounts import verify_email_async
from tests.support.db import all_rows
from tests.support.infra import asyncpg_dsn
from tests.support.mailgun_webhooks import signed
from tests.support.settings import TestEnvironment
from tests.support.workers import drain

HASH_KEY = SecretStr("test-suppression-hash-key-0123456789")
PASSWORD = "granulky-a-steaky"
EMAIL = "zdenka.q7x-unikatni@example.cz"
NAME = "Zdeňka Q7xunikátová"
COMMENT = "Kometa nad Třeboní q7x: tohle nikdo jiný nenapíše"
SLUG = "zdenka-q7x"
PAGE_BIO = "Malířka q7x z Třeboně"
# Distinctive pieces: the whole strings and parts of them that survive an excerpt or escaping.
NEEDLES = [EMAIL, "zdenka.q7x", NAME, "Q7xunik", COMMENT[:20], "Kometa nad", SLUG, PAGE_BIO]
TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb", "ARRAY", "USER-DEFINED")
KEPT = {
    (table, column)
    for table, rule in REGISTRY.items()
    for column, column_rule in rule.columns.items()
    if column_rule.treatment is Treatment.KEEP
}


@pytest.fixture
async def stack(test_env: TestEnvironment, clean_state: None) -> AsyncIterator[dict[str, Any]]:
    api_settings = test_env.api().model_copy(update={"suppression_hash_key": HASH_KEY})
    notifications_settings = test_env.notifications(suppression_hash_key=HASH_KEY)
    api_resources = await Resources.open(api_settings)
    notifications_resources = await Resources.open(notifications_settings)
    api = create_app(api_settings, resources=api_resources)
    hooks = create_notifications_app(notifications_settings, resources=notifications_resources)
    try:
        yield {
            "api": api,
            "hooks": hooks,
            "resources": api_resources,
            "worker": notifications_worker(notifications_settings),
        }
    finally:
        await notifications_resources.close()
        await api_resources.close()


def client(app: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="https://api.test")


async def signed_up(app: Any, email: str, name: str, database_url: str) -> httpx.AsyncClient:
    """A new account with its email verified (creators and paying fans must be)."""
    http = client(app)
    answer = await http.post(
        "/api/v1/accounts", json={"email": email, "password": PASSWORD, "display_name": name}
    )
    assert answer.status_code == 201, answer.text
    await verify_email_async(database_url, email)
    login = await http.post("/api/v1/auth/login", json={"email": email, "password": PASSWORD})
    assert login.status_code == 200, login.text
    http.headers["X-CSRF-Token"] = login.json()["csrf_token"]
    return http


async def became_creator(http: httpx.AsyncClient, page: dict[str, str]) -> None:
    """Open a creator page; the session's CSRF token is renewed with the role."""
    ok(await http.post("/api/v1/creators", json=page))
    http.headers["X-CSRF-Token"] = http.cookies["pickey_csrf"]


def ok(response: httpx.Response) -> Any:
    assert response.status_code < 300, response.text
    return response.json() if response.content else None


async def settle(stack: dict[str, Any]) -> None:
    """Run every queued job until nothing is left unfinished in the outbox."""
    for _ in range(10):
        await drain(stack["worker"])
        if not await outbox.count_unfinished(stack["resources"]):
            return
    raise AssertionError("jobs still unfinished")


async def search_database(database_url: str) -> list[str]:
    """Every (table, column, row) whose text holds a needle, outside the kept columns."""
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    try:
        columns = await connection.fetch(
            "SELECT table_name, column_name FROM information_schema.columns"
            " WHERE table_schema = 'public' AND data_type = ANY($1::text[])",
            list(TEXT_TYPES),
        )
        assert len(columns) > 50
        found = []
        for table, column in columns:
            rows = await connection.fetch(
                f'SELECT "{column}"::text AS value FROM "{table}"'
                f' WHERE "{column}"::text ILIKE ANY($1::text[])',
                [f"%{needle}%" for needle in NEEDLES],
            )
            if rows and (table, column) not in KEPT:
                found += [f"{table}.{column}: {row['value'][:200]}" for row in rows]
        return found
    finally:
        await connection.close()


async def search_redis(resources: Resources) -> list[str]:
    """Every key whose name or value holds a needle (strings, hashes, lists, sets, zsets)."""
    redis = resources.redis
    found = []
    needles = [needle.lower().encode() for needle in NEEDLES]
    async for key in redis.scan_iter(count=1000):
        kind = (await redis.type(key)).decode()
        if kind == "string":
            values = [await redis.get(key)]
        elif kind == "hash":
            values = [item for pair in (await redis.hgetall(key)).items() for item in pair]
        elif kind == "list":
            values = await redis.lrange(key, 0, -1)
        elif kind == "set":
            values = list(await redis.smembers(key))
        elif kind == "zset":
            values = await redis.zrange(key, 0, -1)
        else:
            values = []
        blob = b"\n".join([key, *(value for value in values if value)]).lower()
        # JSON may escape non-ASCII characters: search the escaped form too.
        escaped = blob.decode("utf-8", "replace").encode("ascii", "backslashreplace").lower()
        if any(needle in blob or needle in escaped for needle in needles):
            found.append(key.decode("utf-8", "replace"))
    return found


async def test_deleting_an_account_leaves_its_name_address_and_words_nowhere(
    stack: dict[str, Any], test_env: TestEnvironment
) -> None:
    api, resources = stack["api"], stack["resources"]
    creator = await signed_up(api, "gordikey@example.cz", "Gordíkey", test_env.database_url)
    await became_creator(creator, {"slug": "gordikey", "display_name": "Gordík"})
    tier = ok(
        await creator.post(
            "/api/v1/creators/me/tiers",
            json={"name": "Na steaky", "price_amount": 9900, "currency": "CZK"},
        )
    )
    post = ok(
        await creator.post(
            "/api/v1/posts", json={"kind": "text", "title": "Steak night", "body": "Dobrou chuť"}
        )
    )
    ok(await creator.post(f"/api/v1/posts/{post['id']}/publish"))

    # The person: a fan (follows, comments, pays) with a small creator page of her own.
    fan = await signed_up(api, EMAIL, NAME, test_env.database_url)
    ok(await fan.put("/api/v1/creators/gordikey/follow"))
    await became_creator(fan, {"slug": SLUG, "display_name": NAME, "bio": PAGE_BIO})
    own = ok(
        await fan.post(
            "/api/v1/posts", json={"kind": "text", "title": f"{NAME} maluje", "body": PAGE_BIO}
        )
    )
    ok(await fan.post(f"/api/v1/posts/{own['id']}/publish"))
    creator_comment = ok(
        await creator.post(f"/api/v1/posts/{post['id']}/comments", json={"body": "Vítejte!"})
    )
    ok(
        await fan.post(
            f"/api/v1/posts/{post['id']}/comments",
            json={"body": COMMENT, "parent_id": creator_comment["id"]},
        )
    )
    async with resources.unit_of_work() as session:
        me = await session.scalar(select(User).where(User.email == EMAIL))
        steaky = await session.get(Tier, uuid.UUID(tier["id"]))
        assert me is not None
        assert steaky is not None
        membership = await factories.membership(session, me, steaky)
        payment = Payment(
            kind=PaymentKind.MEMBERSHIP,
            state=PaymentState.PAID,
            fan_id=me.id,
            creator_id=steaky.creator_id,
            tier_id=steaky.id,
            membership_id=membership.id,
            amount=9900,
            currency="CZK",
        )
        session.add(payment)
        await session.flush()
        outbox.enqueue(session, AnnouncePayment(payment_id=payment.id))
        fan_id = me.id
    # Caches filled: her page and its post list, read anonymously.
    reader = client(api)
    ok(await reader.get(f"/api/v1/creators/{SLUG}"))
    ok(await reader.get(f"/api/v1/creators/{SLUG}/posts"))
    await settle(stack)
    # Mailgun reports a complaint about her address.
    async with client(stack["hooks"]) as hooks:
        complaint = {
            "event": "complained",
            "recipient": EMAIL,
            "message": {"headers": {"to": EMAIL}},
        }
        ok(await hooks.post("/webhooks/mailgun", json=signed(complaint)))
    await settle(stack)

    # Everything happened: the creator was told her name and words, her address was emailed.
    notices = ok(await creator.get("/api/v1/notifications"))["items"]
    assert {item["kind"] for item in notices} >= {"new_member", "comment_reply"}
    assert NAME in str(notices)
    assert COMMENT[:20] in str(notices)
    assert await search_database(test_env.database_url) != []
    assert await search_redis(resources) != []

    deleted = await fan.request("DELETE", "/api/v1/accounts/me", json={"password": PASSWORD})
    assert deleted.status_code == 204, deleted.text
    await settle(stack)

    assert await search_database(test_env.database_url) == []
    assert await search_redis(resources) == []
    # The creator's list keeps the notices, without her.
    after = ok(await creator.get("/api/v1/notifications"))["items"]
    assert {item["kind"] for item in after} >= {"new_member", "comment_reply"}
    [joined] = [item for item in after if item["kind"] == "new_member"]
    assert joined["data"]["fan_name"] is None
    assert await all_rows(resources, Payment, Payment.fan_id == fan_id) != []

    # The complaint is still honoured: a new account on that mailbox gets no newsletter-like
    # email (a new post to its membership), while account emails still go.
    [suppression] = await all_rows(resources, EmailSuppression)
    assert suppression.address.startswith("hmac-sha256:")
    again = await signed_up(api, EMAIL, "Někdo nový", test_env.database_url)
    async with resources.unit_of_work() as session:
        newcomer = await session.scalar(select(User).where(User.email == EMAIL))
        steaky = await session.get(Tier, uuid.UUID(tier["id"]))
        assert newcomer is not None
        assert steaky is not None
        await factories.membership(session, newcomer, steaky)
        newcomer_id = newcomer.id
    second = ok(
        await creator.post(
            "/api/v1/posts", json={"kind": "text", "title": "Druhý", "body": "Pro členy"}
        )
    )
    ok(await creator.post(f"/api/v1/posts/{second['id']}/publish"))
    await settle(stack)
    rows = [row for row in await ledger(resources) if row.recipient_id == newcomer_id]
    [announced] = [row for row in rows if row.event_key == f"post:{second['id']}"]
    assert states(announced)[Channel.EMAIL] is DeliveryState.SUPPRESSED
    for http in (creator, fan, reader, again):
        await http.aclose()
