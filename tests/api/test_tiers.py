"""Tiers: create, edit, reorder, archive, delete — the rules, the codes, and who may."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import update

from pickey_core.models import (
    Creator,
    MembershipStatus,
    Payment,
    PaymentKind,
    PaymentState,
    PostAccess,
    Tier,
)
from pickey_core.resources import Resources
from tests.support import factories as make
from tests.support.api_users import ApiUser, UserFactory
from tests.support.creators import become_creator
from tests.support.db import all_rows, count
from tests.support.tiers import TIERS, add_membership, create, one, tier_body, tier_rows

ORDER = "/api/v1/creators/me/tiers/order"


async def test_create_tiers_in_order(owner: ApiUser, api_resources: Resources) -> None:
    first = await create(owner, name="Na granulkey", price=5900, description="Granule.")
    second = await create(owner, name="  Na   steaky ", price=9900)

    assert first["position"] == 0
    assert first["description"] == "Granule."
    assert (second["name"], second["position"], second["price_amount"]) == ("Na steaky", 1, 9900)
    assert second["archived"] is False
    rows = await tier_rows(api_resources)
    [creator] = await all_rows(api_resources, Creator)
    assert {row.creator_id for row in rows.values()} == {creator.id}
    assert rows["Na steaky"].currency == "CZK"
    listed = (await owner.client.get(TIERS)).json()
    assert [tier["name"] for tier in listed] == ["Na granulkey", "Na steaky"]


@pytest.mark.parametrize(
    ("price", "currency"),
    [
        (999, "CZK"),
        (10_000_001, "CZK"),
        (0, "CZK"),
        (-5900, "CZK"),
        (2**40, "CZK"),
        (99, "EUR"),
        (500_001, "EUR"),
    ],
)
async def test_prices_out_of_bounds_are_refused(
    price: int, currency: str, owner: ApiUser, api_resources: Resources
) -> None:
    response = await owner.client.post(TIERS, json=tier_body(price=price, currency=currency))

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "price_out_of_range"
    assert await count(api_resources, Tier) == 0


@pytest.mark.parametrize(
    ("price", "currency"), [(1_000, "CZK"), (10_000_000, "CZK"), (100, "EUR"), (500_000, "EUR")]
)
async def test_prices_at_the_bounds_are_accepted(price: int, currency: str, owner: ApiUser) -> None:
    created = await create(owner, price=price, currency=currency)

    assert (created["price_amount"], created["currency"]) == (price, currency)


@pytest.mark.parametrize(
    "body",
    [
        tier_body(price=59.5),
        tier_body(price=5900.0),
        tier_body(price="5900"),
        tier_body(price=True),
        tier_body(currency="USD"),
        tier_body(currency="czk"),
        tier_body(name=""),
        tier_body(name="   "),
        tier_body(name="x" * 101),
        tier_body(description="x" * 2001),
        tier_body(name="Na\x00granulkey"),
        tier_body(description="nul \x00"),
        tier_body(creator_id=str(uuid.uuid4())),
        tier_body(position=0),
        tier_body(archived_at="2026-01-01T00:00:00Z"),
        tier_body(id=str(uuid.uuid4())),
        {"name": "no price", "currency": "CZK"},
        {"name": "no currency", "price_amount": 5900},
    ],
)
async def test_invalid_or_extra_fields_are_refused(
    body: dict[str, Any], owner: ApiUser, api_resources: Resources
) -> None:
    response = await owner.client.post(TIERS, json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"
    assert await count(api_resources, Tier) == 0


async def test_all_tiers_share_one_currency(owner: ApiUser, api_resources: Resources) -> None:
    await create(owner, price=5900, currency="CZK")

    response = await owner.client.post(TIERS, json=tier_body("Euro", 500, currency="EUR"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "currency_mismatch"
    assert await count(api_resources, Tier) == 1


async def test_archived_tiers_still_fix_the_currency(
    owner: ApiUser, api_resources: Resources
) -> None:
    created = await create(owner, price=500, currency="EUR")
    await owner.client.post(one("/archive", created["id"]))

    response = await owner.client.post(TIERS, json=tier_body(price=5900, currency="CZK"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "currency_mismatch"


async def test_the_number_of_open_tiers_is_limited(
    owner: ApiUser, api_resources: Resources
) -> None:
    for n in range(10):  # PICKEY_MAX_TIERS_PER_CREATOR defaults to 10
        await create(owner, name=f"Tier {n}", price=1000 + n)

    response = await owner.client.post(TIERS, json=tier_body("One too many"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "tier_limit_reached"
    assert await count(api_resources, Tier) == 10
    # Archiving one makes room.
    first = (await owner.client.get(TIERS)).json()[0]
    await owner.client.post(one("/archive", first["id"]))
    assert (await owner.client.post(TIERS, json=tier_body("Now it fits"))).status_code == 201


async def test_the_number_of_all_tiers_is_limited(owner: ApiUser, api_resources: Resources) -> None:
    async with api_resources.unit_of_work() as session:
        [creator] = await all_rows(api_resources, Creator)
        for n in range(100):  # PICKEY_MAX_TIERS_INCLUDING_ARCHIVED defaults to 100
            await make.tier(
                session, creator, 1000 + n, name=f"Old {n}", archived_at=datetime.now(UTC)
            )

    response = await owner.client.post(TIERS, json=tier_body("New"))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "tier_limit_reached"
    assert await count(api_resources, Tier) == 100
    assert len((await owner.client.get(TIERS)).json()) == 100


async def test_edit_a_tier(owner: ApiUser, api_resources: Resources) -> None:
    created = await create(owner)

    response = await owner.client.patch(
        one("", created["id"]),
        json={"name": "Granule", "description": "Víc.", "price_amount": 6900},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["name"], body["description"], body["price_amount"]) == ("Granule", "Víc.", 6900)
    row = (await tier_rows(api_resources))["Granule"]
    assert (row.price_amount, row.currency, row.position) == (6900, "CZK", 0)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"currency": "EUR"}, "validation_error"),
        ({"creator_id": str(uuid.uuid4())}, "validation_error"),
        ({"position": 5}, "validation_error"),
        ({"archived_at": None}, "validation_error"),
        ({"name": None}, "validation_error"),
        ({"price_amount": None}, "validation_error"),
        ({"price_amount": "6900"}, "validation_error"),
        ({"price_amount": 999}, "price_out_of_range"),
        ({"name": "x" * 101}, "validation_error"),
    ],
)
async def test_tier_edits_refuse_what_may_not_be_set(
    body: dict[str, Any], code: str, owner: ApiUser, api_resources: Resources
) -> None:
    created = await create(owner)

    response = await owner.client.patch(one("", created["id"]), json=body)

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
    row = (await tier_rows(api_resources))["Na granulkey"]
    assert (row.price_amount, row.currency, row.position, row.archived_at) == (
        5900,
        "CZK",
        0,
        None,
    )


@pytest.mark.parametrize(
    "status", [MembershipStatus.ACTIVE, MembershipStatus.PAST_DUE, MembershipStatus.PENDING]
)
async def test_the_price_of_a_tier_with_paying_members_is_locked(
    status: MembershipStatus, owner: ApiUser, api_resources: Resources
) -> None:
    created = await create(owner)
    await add_membership(api_resources, created["id"], status)

    response = await owner.client.patch(one("", created["id"]), json={"price_amount": 6900})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "tier_price_locked"
    assert (await tier_rows(api_resources))["Na granulkey"].price_amount == 5900
    # Name and description stay editable.
    renamed = await owner.client.patch(one("", created["id"]), json={"name": "Granule"})
    assert renamed.status_code == 200


async def test_members_moving_to_a_tier_at_renewal_lock_its_price_too(
    owner: ApiUser, api_resources: Resources
) -> None:
    current = await create(owner, name="Current", price=5900)
    upcoming = await create(owner, name="Upcoming", price=9900)
    async with api_resources.unit_of_work() as session:
        tier = await session.get(Tier, uuid.UUID(current["id"]))
        assert tier is not None
        membership = await make.membership(session, await make.user(session), tier)
        membership.next_tier_id = uuid.UUID(upcoming["id"])

    response = await owner.client.patch(one("", upcoming["id"]), json={"price_amount": 8900})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "tier_price_locked"


async def test_former_members_do_not_lock_the_price(
    owner: ApiUser, api_resources: Resources
) -> None:
    created = await create(owner)
    await add_membership(api_resources, created["id"], MembershipStatus.LAPSED)

    response = await owner.client.patch(one("", created["id"]), json={"price_amount": 6900})

    assert response.status_code == 200
    assert response.json()["price_amount"] == 6900


async def test_reorder_open_tiers(owner: ApiUser, api_resources: Resources) -> None:
    a, b, c = [await create(owner, name=name) for name in ("A", "B", "C")]

    response = await owner.client.put(ORDER, json={"tier_ids": [c["id"], a["id"], b["id"]]})

    assert response.status_code == 200, response.text
    assert [tier["name"] for tier in response.json()] == ["C", "A", "B"]
    rows = await tier_rows(api_resources)
    assert (rows["C"].position, rows["A"].position, rows["B"].position) == (0, 1, 2)
    assert [tier["name"] for tier in (await owner.client.get(TIERS)).json()] == ["C", "A", "B"]


async def test_bad_orders_are_refused(
    owner: ApiUser, make_user: UserFactory, api_resources: Resources
) -> None:
    a, b, c = [await create(owner, name=name) for name in ("A", "B", "C")]
    archived = await create(owner, name="Archived")
    await owner.client.post(one("/archive", archived["id"]))
    other = await make_user()
    await become_creator(other.client, "other-creator")
    foreign = await create(other, name="Foreign")

    cases = [
        ([a["id"], b["id"]], "tier_order_incomplete"),
        ([], "tier_order_incomplete"),
        ([a["id"], b["id"], c["id"], foreign["id"]], "tier_order_unknown_tier"),
        ([a["id"], b["id"], foreign["id"]], "tier_order_unknown_tier"),
        ([a["id"], b["id"], c["id"], archived["id"]], "tier_order_unknown_tier"),
        ([a["id"], b["id"], c["id"], str(uuid.uuid4())], "tier_order_unknown_tier"),
        ([a["id"], a["id"], b["id"], c["id"]], "tier_order_duplicate"),
    ]
    for tier_ids, code in cases:
        response = await owner.client.put(ORDER, json={"tier_ids": tier_ids})
        assert response.status_code == 422, (code, response.text)
        assert response.json()["error"]["code"] == code

    for body in ({"tier_ids": ["nope"]}, {"tier_ids": [a["id"]], "extra": 1}, {}):
        response = await owner.client.put(ORDER, json=body)
        assert response.status_code == 422
        assert response.json()["error"]["code"] == "validation_error"

    rows = await tier_rows(api_resources)
    assert [rows[name].position for name in ("A", "B", "C", "Foreign")] == [0, 1, 2, 0]


async def test_archive_and_unarchive(owner: ApiUser, api_resources: Resources) -> None:
    a, b = await create(owner, name="A"), await create(owner, name="B")

    archived = await owner.client.post(one("/archive", a["id"]))
    again = await owner.client.post(one("/archive", a["id"]))

    assert archived.status_code == again.status_code == 200
    assert archived.json()["archived"] is True
    assert again.json()["archived_at"] == archived.json()["archived_at"]
    listed = (await owner.client.get(TIERS)).json()
    assert [(tier["name"], tier["archived"]) for tier in listed] == [("B", False), ("A", True)]

    reopened = await owner.client.post(one("/unarchive", a["id"]))

    assert reopened.status_code == 200
    assert reopened.json()["archived"] is False
    assert reopened.json()["position"] > b["position"]  # placed after the open ones
    assert (await owner.client.post(one("/unarchive", a["id"]))).status_code == 200
    assert (await tier_rows(api_resources))["A"].archived_at is None


async def test_unarchiving_respects_the_limit(owner: ApiUser, api_resources: Resources) -> None:
    old = await create(owner, name="Old")
    await owner.client.post(one("/archive", old["id"]))
    for n in range(10):
        await create(owner, name=f"Tier {n}", price=1000 + n)

    response = await owner.client.post(one("/unarchive", old["id"]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "tier_limit_reached"
    assert (await tier_rows(api_resources))["Old"].archived_at is not None


async def test_delete_a_tier_nobody_held(owner: ApiUser, api_resources: Resources) -> None:
    created = await create(owner)

    response = await owner.client.delete(one("", created["id"]))

    assert response.status_code == 204
    assert await count(api_resources, Tier) == 0
    gone = await owner.client.delete(one("", created["id"]))
    assert gone.status_code == 404
    assert gone.json()["error"]["code"] == "tier_not_found"


@pytest.mark.parametrize("status", list(MembershipStatus))
async def test_a_tier_anyone_ever_held_is_not_deleted(
    status: MembershipStatus, owner: ApiUser, api_resources: Resources
) -> None:
    created = await create(owner)
    await add_membership(api_resources, created["id"], status)

    response = await owner.client.delete(one("", created["id"]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "tier_has_members"
    assert await count(api_resources, Tier) == 1


async def test_a_paid_for_tier_is_not_deleted(owner: ApiUser, api_resources: Resources) -> None:
    created = await create(owner)
    async with api_resources.unit_of_work() as session:
        [creator] = await all_rows(api_resources, Creator)
        fan = await make.user(session)
        session.add(
            Payment(
                kind=PaymentKind.MEMBERSHIP,
                state=PaymentState.FAILED,
                fan_id=fan.id,
                creator_id=creator.id,
                tier_id=uuid.UUID(created["id"]),
                amount=5900,
                currency="CZK",
            )
        )

    response = await owner.client.delete(one("", created["id"]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "tier_has_members"
    assert await count(api_resources, Tier) == 1


async def test_a_tier_posts_are_for_is_not_deleted(
    owner: ApiUser, api_resources: Resources
) -> None:
    created = await create(owner)
    async with api_resources.unit_of_work() as session:
        [creator] = await all_rows(api_resources, Creator)
        tier = await session.get(Tier, uuid.UUID(created["id"]))
        assert tier is not None
        await make.post(session, creator, access=PostAccess.MEMBERS, tiers=[tier])

    response = await owner.client.delete(one("", created["id"]))

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "tier_used_by_posts"
    assert await count(api_resources, Tier) == 1


async def test_another_creators_tier_is_out_of_reach(
    owner: ApiUser, make_user: UserFactory, api_resources: Resources
) -> None:
    theirs = await create(owner, name="Theirs")
    intruder = await make_user()
    await become_creator(intruder.client, "intruder")
    await create(intruder, name="Mine")

    attempts = [
        ("PATCH", "", {"name": "Hacked", "price_amount": 1000}),
        ("POST", "/archive", None),
        ("POST", "/unarchive", None),
        ("DELETE", "", None),
    ]
    for method, path, body in attempts:
        response = await intruder.client.request(method, one(path, theirs["id"]), json=body)
        assert response.status_code == 404, (method, path, response.text)
        assert response.json()["error"]["code"] == "tier_not_found"

    row = (await tier_rows(api_resources))["Theirs"]
    assert (row.price_amount, row.archived_at) == (5900, None)
    assert [tier["name"] for tier in (await intruder.client.get(TIERS)).json()] == ["Mine"]


async def test_tiers_need_a_creator_profile_and_a_session(
    owner: ApiUser,
    make_user: UserFactory,
    api_client: httpx.AsyncClient,
    api_resources: Resources,
) -> None:
    created = await create(owner)
    fan = await make_user()

    for method, path, body in [
        ("GET", TIERS, None),
        ("POST", TIERS, tier_body("Fan's")),
        ("PUT", ORDER, {"tier_ids": [created["id"]]}),
        ("PATCH", one("", created["id"]), {"name": "Fan's"}),
        ("POST", one("/archive", created["id"]), None),
        ("DELETE", one("", created["id"]), None),
    ]:
        as_fan = await fan.client.request(method, path, json=body)
        as_nobody = await api_client.request(method, path, json=body)
        assert as_fan.status_code == 403, (method, path)
        assert as_fan.json()["error"]["code"] == "not_a_creator"
        assert as_nobody.status_code == 401, (method, path)
        assert as_nobody.json()["error"]["code"] == "not_authenticated"

    [row] = await all_rows(api_resources, Tier)
    assert (row.name, row.archived_at) == ("Na granulkey", None)


async def test_tier_writes_need_the_csrf_header(owner: ApiUser, api_resources: Resources) -> None:
    del owner.client.headers["X-CSRF-Token"]

    response = await owner.client.post(TIERS, json=tier_body())

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "csrf_failed"
    assert await count(api_resources, Tier) == 0


@pytest.mark.parametrize("tier_id", ["nope", "123", "00000000-0000-0000-0000-00000000000g"])
async def test_bad_tier_ids_are_validation_errors(tier_id: str, owner: ApiUser) -> None:
    response = await owner.client.patch(one("", tier_id), json={"name": "x"})

    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


async def test_a_fan_paying_to_join_locks_the_price_until_the_payment_settles(
    owner: ApiUser, api_resources: Resources
) -> None:
    created = await create(owner)
    async with api_resources.unit_of_work() as session:
        tier = await session.get(Tier, uuid.UUID(created["id"]))
        assert tier is not None
        checkout = Payment(
            kind=PaymentKind.MEMBERSHIP,
            state=PaymentState.CREATED,
            fan_id=(await make.user(session)).id,
            creator_id=tier.creator_id,
            tier_id=tier.id,
            amount=tier.price_amount,
            currency=tier.currency,
        )
        session.add(checkout)

    locked = await owner.client.patch(one("", created["id"]), json={"price_amount": 6900})
    assert locked.json()["error"]["code"] == "tier_price_locked"
    async with api_resources.unit_of_work() as session:
        await session.execute(
            update(Payment).where(Payment.id == checkout.id).values(state=PaymentState.FAILED)
        )
    unlocked = await owner.client.patch(one("", created["id"]), json={"price_amount": 6900})
    assert unlocked.status_code == 200
