"""Notification preferences: defaults from the catalogue, changes stored per category and channel,
money emails fixed on."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from pickey_core.models import Channel, NotificationPreference
from pickey_core.notification_categories import CATALOGUE, Category, is_enabled
from pickey_core.resources import Resources
from tests.support.api_users import ApiUser, UserFactory
from tests.support.db import all_rows, count
from tests.support.errors import assert_error

URL = "/api/v1/notification-preferences"

# Issue #6's table: every category is in-app and realtime; email per this.
EMAIL_DEFAULTS = {
    "new_post": True,
    "new_post_followed": False,
    "creator_live": True,
    "new_member": True,
    "tip": True,
    "unlock": True,
    "money": True,
    "comments": False,
    "media_failed": True,
}


def as_table(body: dict[str, Any]) -> dict[tuple[str, str], tuple[bool, bool, bool]]:
    """(category, channel) → (enabled, default, configurable)."""
    return {
        (category["category"], channel["channel"]): (
            channel["enabled"],
            channel["default"],
            channel["configurable"],
        )
        for category in body["categories"]
        for channel in category["channels"]
    }


async def stored(resources: Resources, user: ApiUser) -> dict[tuple[str, str], bool]:
    rows = await all_rows(
        resources, NotificationPreference, NotificationPreference.user_id == user.id
    )
    return {(row.category, row.channel.value): row.enabled for row in rows}


async def test_a_new_user_sees_the_defaults(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan = await make_user()

    response = await fan.client.get(URL)

    assert response.status_code == 200
    table = as_table(response.json())
    assert {category for category, _ in table} == set(EMAIL_DEFAULTS)
    for category, email in EMAIL_DEFAULTS.items():
        assert table[(category, "email")] == (email, email, category != "money")
        assert table[(category, "in_app")] == (True, True, True)
        assert table[(category, "realtime")] == (True, True, True)
    assert all(category["description"] for category in response.json()["categories"])
    assert await count(api_resources, NotificationPreference) == 0


async def test_changes_are_stored_and_shown(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan, other = await make_user(), await make_user()

    response = await fan.client.patch(
        URL,
        json={
            "changes": [
                {"category": "new_post_followed", "channel": "email", "enabled": True},
                {"category": "new_post", "channel": "realtime", "enabled": False},
                {"category": "comments", "channel": "in_app", "enabled": False},
            ]
        },
    )

    assert response.status_code == 200, response.text
    table = as_table(response.json())
    assert table[("new_post_followed", "email")] == (True, False, True)
    assert table[("new_post", "realtime")] == (False, True, True)
    assert table[("comments", "in_app")] == (False, True, True)
    assert table[("new_post", "email")] == (True, True, True)
    assert as_table((await fan.client.get(URL)).json()) == table
    assert await stored(api_resources, fan) == {
        ("new_post_followed", "email"): True,
        ("new_post", "realtime"): False,
        ("comments", "in_app"): False,
    }
    assert as_table((await other.client.get(URL)).json())[("new_post", "realtime")][0] is True


async def test_changing_again_replaces_the_choice(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan = await make_user()
    change = {"category": "tip", "channel": "email", "enabled": False}
    await fan.client.patch(URL, json={"changes": [change]})

    response = await fan.client.patch(URL, json={"changes": [{**change, "enabled": True}]})

    assert response.status_code == 200
    assert await stored(api_resources, fan) == {("tip", "email"): True}


async def test_money_email_cannot_be_turned_off_and_nothing_of_the_request_is_stored(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan = await make_user()

    response = await fan.client.patch(
        URL,
        json={
            "changes": [
                {"category": "tip", "channel": "email", "enabled": False},
                {"category": "money", "channel": "email", "enabled": False},
            ]
        },
    )

    assert_error(response, 422, "preference_locked")
    assert await count(api_resources, NotificationPreference) == 0
    assert as_table((await fan.client.get(URL)).json())[("money", "email")] == (True, True, False)


async def test_sending_the_fixed_value_back_is_harmless(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan = await make_user()

    response = await fan.client.patch(
        URL,
        json={
            "changes": [
                {"category": "money", "channel": "email", "enabled": True},
                {"category": "money", "channel": "in_app", "enabled": False},
            ]
        },
    )

    assert response.status_code == 200, response.text
    assert await stored(api_resources, fan) == {("money", "in_app"): False}


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"changes": []},
        {"changes": [{"category": "spam", "channel": "email", "enabled": False}]},
        {"changes": [{"category": "welcome", "channel": "email", "enabled": False}]},
        {"changes": [{"category": "tip", "channel": "sms", "enabled": False}]},
        {"changes": [{"category": "tip", "channel": "email", "enabled": "no"}]},
        {"changes": [{"category": "tip", "channel": "email", "enabled": 0}]},
        {"changes": [{"category": "tip", "channel": "email"}]},
        {"changes": [{"category": "tip", "channel": "email", "enabled": False, "user_id": "x"}]},
        {"changes": [{"category": "tip", "channel": "email", "enabled": False}], "user_id": "x"},
        {
            "changes": [
                {"category": "tip", "channel": "email", "enabled": False},
                {"category": "tip", "channel": "email", "enabled": True},
            ]
        },
        {"changes": [{"category": "tip", "channel": "email", "enabled": False}] * 28},
        {"changes": {"tip": {"email": False}}},
    ],
)
async def test_invalid_changes_are_refused_and_store_nothing(
    api_resources: Resources, make_user: UserFactory, payload: dict[str, Any]
) -> None:
    fan = await make_user()

    response = await fan.client.patch(URL, json=payload)

    assert_error(response, 422, "validation_error")
    assert await count(api_resources, NotificationPreference) == 0


async def test_every_channel_of_every_category_can_be_set_at_once(
    api_resources: Resources, make_user: UserFactory
) -> None:
    fan = await make_user()
    changes = [
        {"category": category.value, "channel": channel.value, "enabled": True}
        for category in Category
        for channel in Channel
    ]

    response = await fan.client.patch(URL, json={"changes": changes})

    assert response.status_code == 200, response.text
    assert all(enabled for enabled, _, _ in as_table(response.json()).values())
    # Everything but the fixed money email is stored as an explicit choice.
    assert await count(api_resources, NotificationPreference) == len(changes) - 1


async def test_preferences_need_a_session_json_and_the_csrf_header(
    api_resources: Resources, api_client: httpx.AsyncClient, make_user: UserFactory
) -> None:
    fan = await make_user()
    change = {"changes": [{"category": "tip", "channel": "email", "enabled": False}]}

    assert_error(await api_client.get(URL), 401, "not_authenticated")
    assert_error(await api_client.patch(URL, json=change), 401, "not_authenticated")
    forged = await fan.client.patch(URL, json=change, headers={"X-CSRF-Token": "forged"})
    as_form = await fan.client.patch(URL, data={"changes": "tip"})

    assert_error(forged, 403, "csrf_failed")
    assert_error(as_form, 415, "json_required")
    assert await count(api_resources, NotificationPreference) == 0


@pytest.mark.parametrize("category", list(Category))
@pytest.mark.parametrize("channel", list(Channel))
def test_is_enabled_follows_choice_then_default(category: Category, channel: Channel) -> None:
    info = CATALOGUE[category]
    default = info.defaults[channel]

    assert is_enabled(category, channel, None) is default
    if info.is_configurable(channel):
        assert is_enabled(category, channel, not default) is (not default)
    else:
        assert is_enabled(category, channel, not default) is default
