"""The fan's controls: list memberships, cancel at period end, resume, change tier."""

from __future__ import annotations

from datetime import UTC, datetime

from pickey_core.models import Membership, MembershipStatus, OutboxMessage
from pickey_core.resources import Resources
from tests.support import factories
from tests.support.db import all_rows
from tests.support.payments_fans import FanFactory, Shop


async def test_list_cancel_resume_and_change_tier(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        membership = await factories.membership(session, fan.user, shop.tiers[0])
    url = f"/memberships/{membership.id}"

    listed = (await fan.client.get("/memberships")).json()
    assert [item["id"] for item in listed["items"]] == [str(membership.id)]
    assert listed["next_cursor"] is None

    cancelled = (await fan.client.post(f"{url}/cancel")).json()
    again = (await fan.client.post(f"{url}/cancel")).json()
    assert cancelled["cancel_at_period_end"] is again["cancel_at_period_end"] is True
    assert again["status"] == "active"  # until the period ends
    resumed = (await fan.client.post(f"{url}/resume")).json()
    assert resumed["cancel_at_period_end"] is False

    up = await fan.client.post(f"{url}/change-tier", json={"tier_id": str(shop.tiers[2].id)})
    assert (up.json()["tier_id"], up.json()["next_tier_id"]) == (
        str(shop.tiers[0].id),
        str(shop.tiers[2].id),
    )
    back = await fan.client.post(f"{url}/change-tier", json={"tier_id": str(shop.tiers[0].id)})
    assert back.json()["next_tier_id"] is None


async def test_cancelling_a_past_due_membership_lapses_it_at_once(
    make_fan: FanFactory, shop: Shop, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        membership = await factories.membership(
            session, fan.user, shop.tiers[0], MembershipStatus.PAST_DUE
        )
    answer = await fan.client.post(f"/memberships/{membership.id}/cancel")
    assert answer.json()["status"] == "lapsed"
    [notice] = await all_rows(payments_resources, OutboxMessage)
    assert notice.payload["notice"] == "membership_lapsed"
    ended = await fan.client.post(f"/memberships/{membership.id}/resume")
    assert (ended.status_code, ended.json()["error"]["code"]) == (409, "membership_ended")


async def test_refusals(make_fan: FanFactory, shop: Shop, payments_resources: Resources) -> None:
    fan, other = await make_fan(), await make_fan()
    async with payments_resources.unit_of_work() as session:
        membership = await factories.membership(session, fan.user, shop.tiers[0])
        elsewhere = await factories.tier(session, await factories.creator(session))
        closed = await factories.tier(session, shop.creator, 39900, archived_at=datetime.now(UTC))
    url = f"/memberships/{membership.id}"
    cases = [
        (other, "post", f"{url}/cancel", None, 404, "membership_not_found"),
        (other, "post", f"{url}/change-tier", {"tier_id": str(shop.tiers[1].id)}, 404,
         "membership_not_found"),
        (fan, "post", f"{url}/change-tier", {"tier_id": str(elsewhere.id)}, 404, "tier_not_found"),
        (fan, "post", f"{url}/change-tier", {"tier_id": str(closed.id)}, 409, "tier_archived"),
        (fan, "post", f"{url}/change-tier", {"tier": "x"}, 422, "validation_error"),
        (fan, "post", "/memberships/not-a-uuid/cancel", None, 422, "validation_error"),
        (fan, "get", "/memberships?cursor=garbage", None, 400, "invalid_cursor"),
    ]  # fmt: skip
    for who, method, path, body, status, code in cases:
        answer = await who.client.request(method, path, json=body)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), path
    [unchanged] = await all_rows(payments_resources, Membership)
    assert (unchanged.next_tier_id, unchanged.cancel_at_period_end) == (None, False)
    assert (await other.client.get("/memberships")).json()["items"] == []


async def test_memberships_are_listed_in_keyset_pages(
    make_fan: FanFactory, payments_resources: Resources
) -> None:
    fan = await make_fan()
    async with payments_resources.unit_of_work() as session:
        for _ in range(5):
            creator = await factories.creator(session)
            await factories.membership(session, fan.user, await factories.tier(session, creator))
    seen: list[str] = []
    cursor = None
    while True:
        params = {"limit": "2", **({"cursor": cursor} if cursor else {})}
        page = (await fan.client.get("/memberships", params=params)).json()
        seen += [item["id"] for item in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    rows = await all_rows(payments_resources, Membership)
    newest_first = sorted(rows, key=lambda m: (m.created_at, m.id), reverse=True)
    assert seen == [str(m.id) for m in newest_first]
