"""In-app notifications: your own only, newest first, unread count, mark read."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from pickey_api.notifications.repository import page_query
from pickey_core.models import Notification
from pickey_core.resources import Resources
from tests.support.api_users import ApiUser, UserFactory
from tests.support.db import all_rows
from tests.support.errors import assert_error
from tests.support.infra import asyncpg_dsn
from tests.support.plans import PAGE, assert_reads_a_page, literal_sql, plan_of

LIST = "/api/v1/notifications"
UNREAD = "/api/v1/notifications/unread-count"
READ_ALL = "/api/v1/notifications/read-all"
START = datetime(2025, 3, 1, 12, 0, tzinfo=UTC)


def read_url(notification_id: uuid.UUID | str) -> str:
    return f"/api/v1/notifications/{notification_id}/read"


async def notify(
    resources: Resources,
    recipient: ApiUser,
    how_many: int,
    *,
    read: bool = False,
    start: datetime = START,
) -> list[uuid.UUID]:
    """``how_many`` notifications, one a minute from ``start``, as the notifications service
    writes them; their ids oldest first."""
    rows = [
        Notification(
            event_key=f"new_post:{uuid.uuid4()}",
            recipient_id=recipient.id,
            kind="new_post",
            data={"title": f"Post {n}"},
            created_at=start + timedelta(minutes=n),
            read_at=start + timedelta(days=1) if read else None,
        )
        for n in range(how_many)
    ]
    async with resources.unit_of_work() as session:
        session.add_all(rows)
    return [row.id for row in rows]


async def read_times(resources: Resources) -> dict[uuid.UUID, datetime | None]:
    return {row.id: row.read_at for row in await all_rows(resources, Notification)}


async def test_you_see_your_notifications_newest_first_page_by_page(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan, other = await make_user(), await make_user()
    mine = await notify(api_resources, fan, 7)
    await notify(api_resources, other, 3)

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params: dict[str, str | int] = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        response = await fan.client.get(LIST, params=params)
        assert response.status_code == 200, response.text
        seen += [item["id"] for item in response.json()["items"]]
        cursor = response.json()["next_cursor"]
        if cursor is None:
            break

    assert seen == [str(notification_id) for notification_id in reversed(mine)]
    first = (await fan.client.get(LIST, params={"limit": 1})).json()["items"][0]
    assert first == {
        "id": str(mine[-1]),
        "kind": "new_post",
        "data": {"title": "Post 6"},
        "read_at": None,
        "created_at": (START + timedelta(minutes=6)).isoformat().replace("+00:00", "Z"),
    }


async def test_notifications_at_the_same_moment_are_all_listed_once(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan = await make_user()
    same_time = [
        Notification(
            event_key=f"tie:{n}", recipient_id=fan.id, kind="tip", data={}, created_at=START
        )
        for n in range(5)
    ]
    async with api_resources.unit_of_work() as session:
        session.add_all(same_time)

    first = (await fan.client.get(LIST, params={"limit": 2})).json()
    second = (
        await fan.client.get(LIST, params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    third = (
        await fan.client.get(LIST, params={"limit": 2, "cursor": second["next_cursor"]})
    ).json()

    ids = [item["id"] for page in (first, second, third) for item in page["items"]]
    assert sorted(ids) == sorted(str(row.id) for row in same_time)
    assert ids == sorted(ids, reverse=True)
    assert third["next_cursor"] is None


async def test_no_notifications_is_an_empty_page(make_user: UserFactory) -> None:
    fan = await make_user()

    response = await fan.client.get(LIST)

    assert response.json() == {"items": [], "next_cursor": None}


async def test_unread_count_counts_only_your_unread(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan, other = await make_user(), await make_user()
    await notify(api_resources, fan, 3)
    await notify(api_resources, fan, 2, read=True)
    await notify(api_resources, other, 4)

    response = await fan.client.get(UNREAD)

    assert response.status_code == 200
    assert response.json() == {"count": 3, "capped": False}


async def test_unread_count_stops_at_the_cap(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan = await make_user()
    await notify(api_resources, fan, 99)
    assert (await fan.client.get(UNREAD)).json() == {"count": 99, "capped": False}

    await notify(api_resources, fan, 30, start=START + timedelta(days=2))

    assert (await fan.client.get(UNREAD)).json() == {"count": 99, "capped": True}


async def test_marking_one_read_is_idempotent_and_keeps_the_first_time(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan = await make_user()
    first, second = await notify(api_resources, fan, 2)

    marked = await fan.client.post(read_url(first))
    read_at = (await read_times(api_resources))[first]
    again = await fan.client.post(read_url(first))

    assert marked.status_code == again.status_code == 204
    times = await read_times(api_resources)
    assert times[first] is not None
    assert times[first] == read_at
    assert times[second] is None
    assert (await fan.client.get(UNREAD)).json()["count"] == 1
    listed = {item["id"]: item["read_at"] for item in (await fan.client.get(LIST)).json()["items"]}
    assert listed[str(first)] is not None
    assert listed[str(second)] is None


async def test_another_users_notification_is_not_found_and_stays_unread(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan, other = await make_user(), await make_user()
    [theirs] = await notify(api_resources, other, 1)

    response = await fan.client.post(read_url(theirs))

    assert_error(response, 404, "notification_not_found")
    assert (await read_times(api_resources))[theirs] is None


async def test_unknown_and_malformed_notification_ids(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan = await make_user()
    [mine] = await notify(api_resources, fan, 1)

    unknown = await fan.client.post(read_url(uuid.uuid4()))
    malformed = await fan.client.post(read_url("not-a-uuid"))

    assert_error(unknown, 404, "notification_not_found")
    assert_error(malformed, 422, "validation_error")
    assert (await read_times(api_resources))[mine] is None


async def test_mark_all_read_marks_only_yours(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan, other = await make_user(), await make_user()
    mine = await notify(api_resources, fan, 4)
    [already] = await notify(api_resources, fan, 1, read=True, start=START - timedelta(days=9))
    theirs = await notify(api_resources, other, 2)
    earlier = (await read_times(api_resources))[already]

    response = await fan.client.post(READ_ALL)

    assert response.status_code == 204
    times = await read_times(api_resources)
    assert all(times[notification_id] is not None for notification_id in mine)
    assert times[already] == earlier
    assert all(times[notification_id] is None for notification_id in theirs)
    assert (await fan.client.get(UNREAD)).json() == {"count": 0, "capped": False}
    assert (await other.client.get(UNREAD)).json() == {"count": 2, "capped": False}


async def test_rows_kept_only_for_the_email_ledger_are_not_shown(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan = await make_user()
    [shown] = await notify(api_resources, fan, 1)
    hidden = Notification(
        event_key="password_reset:abc", recipient_id=fan.id, kind="password_reset", in_app=False
    )
    async with api_resources.unit_of_work() as session:
        session.add(hidden)

    listed = await fan.client.get(LIST)
    unread = await fan.client.get(UNREAD)
    marked = await fan.client.post(read_url(hidden.id))

    assert [item["id"] for item in listed.json()["items"]] == [str(shown)]
    assert unread.json() == {"count": 1, "capped": False}
    assert_error(marked, 404, "notification_not_found")
    await fan.client.post(READ_ALL)
    assert (await read_times(api_resources))[hidden.id] is None


async def test_everything_needs_a_session_and_writes_need_the_csrf_header(
    api_resources: Resources, api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    fan = await make_user()
    [mine] = await notify(api_resources, fan, 1)

    for response in [
        await api_client.get(LIST),
        await api_client.get(UNREAD),
        await api_client.post(read_url(mine)),
        await api_client.post(READ_ALL),
    ]:
        assert_error(response, 401, "not_authenticated")
    for response in [
        await fan.client.post(read_url(mine), headers={"X-CSRF-Token": "forged"}),
        await fan.client.post(READ_ALL, headers={"X-CSRF-Token": "forged"}),
    ]:
        assert_error(response, 403, "csrf_failed")
    assert (await read_times(api_resources))[mine] is None


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [
        ({"cursor": "garbage!"}, 400, "invalid_cursor"),
        ({"cursor": "W1sidXVpZCIsIjEiXV0"}, 400, "invalid_cursor"),
        ({"cursor": "x" * 513}, 422, "validation_error"),
        ({"limit": "0"}, 422, "validation_error"),
        ({"limit": "101"}, 422, "validation_error"),
        ({"limit": "-1"}, 422, "validation_error"),
    ],
)
async def test_bad_list_parameters(
    make_user: UserFactory, params: dict[str, str], status: int, code: str
) -> None:
    fan = await make_user()

    assert_error(await fan.client.get(LIST, params=params), status, code)


async def test_a_cursor_of_another_list_is_refused(
    api_resources: Resources, make_user: UserFactory
) -> None:
    from pickey_core.pagination import encode_cursor

    fan = await make_user()
    await notify(api_resources, fan, 2)

    response = await fan.client.get(LIST, params={"cursor": encode_cursor(uuid.uuid4(), 5)})

    assert_error(response, 400, "invalid_cursor")


# --- the list's real query on a large table --------------------------------------------------


@pytest.fixture
async def seeded(database_url: str, clean_state: None) -> AsyncIterator[asyncpg.Connection]:
    connection = await asyncpg.connect(asyncpg_dsn(database_url))
    await connection.execute(
        """
        INSERT INTO users (id, email, password_hash, display_name)
        SELECT gen_random_uuid(), 'user' || n || '@example.cz', 'x', 'User ' || n
        FROM generate_series(1, 500) AS n;

        INSERT INTO notifications (id, event_key, recipient_id, kind, created_at, read_at)
        SELECT gen_random_uuid(), 'event-' || n, u.id, 'new_post',
               now() - make_interval(secs => n), CASE WHEN n % 3 = 0 THEN now() END
        FROM generate_series(1, 60) AS n, users AS u;

        ANALYZE;
        """
    )
    yield connection
    await connection.close()


async def test_a_deep_notification_page_reads_a_page_from_the_recipient_index(
    seeded: asyncpg.Connection,
) -> None:
    recipient, created_at, notification_id = await seeded.fetchrow(
        "SELECT recipient_id, created_at, id FROM notifications "
        "ORDER BY recipient_id, created_at DESC, id DESC OFFSET 30 LIMIT 1"
    )
    recipient = uuid.UUID(str(recipient))
    before = (created_at, uuid.UUID(str(notification_id)))

    for query in (
        page_query(recipient, None, PAGE + 1),
        page_query(recipient, before, PAGE + 1),
    ):
        plan = await plan_of(seeded, literal_sql(query))
        assert_reads_a_page(plan, "ix_notifications_recipient_feed")
