"""The creator's members list and CSV: filters, keyset pages, lifetime paid to the haléř, and
the e-mail shown only where the fan agreed (the one rule in pickey_core.email_sharing)."""

from __future__ import annotations

import csv
import io
import uuid
from datetime import UTC, datetime, timedelta

import httpx

from pickey_api.members import csv_export
from pickey_core.models import (
    CancellationReason,
    Creator,
    Membership,
    MembershipEvent,
    MembershipEventKind,
    MembershipStatus,
    Payment,
    PaymentKind,
    PaymentState,
    Refund,
    RefundState,
    Tier,
    User,
)
from pickey_core.resources import Resources
from tests.support import factories
from tests.support.api_users import PASSWORD, ApiUser, UserFactory
from tests.support.db import all_rows


async def _shop(resources: Resources, owner: ApiUser) -> tuple[Creator, list[Tier]]:
    async with resources.unit_of_work() as session:
        user = await session.get(User, owner.id)
        assert user is not None
        creator = await factories.creator(session, user)
        tiers = [await factories.tier(session, creator, price) for price in (5900, 9900)]
    return creator, tiers


async def _member(
    resources: Resources,
    tier: Tier,
    *,
    status: MembershipStatus = MembershipStatus.ACTIVE,
    since: datetime,
    shares: bool = False,
    name: str = "Fan",
    paid: tuple[int, ...] = (),
    refunded: tuple[tuple[int, RefundState], ...] = (),
    cancelled: bool = False,
) -> Membership:
    async with resources.unit_of_work() as session:
        fan = await factories.user(session, display_name=name, share_email_with_creators=shares)
        membership = await factories.membership(session, fan, tier, status)
        membership.created_at = since
        membership.cancel_at_period_end = cancelled
        payments = []
        for amount in paid:
            payment = Payment(
                kind=PaymentKind.TIP,
                state=PaymentState.PAID,
                fan_id=fan.id,
                creator_id=tier.creator_id,
                amount=amount,
                currency="CZK",
            )
            session.add(payment)
            payments.append(payment)
        # A failed payment never counts.
        session.add(
            Payment(
                kind=PaymentKind.TIP,
                state=PaymentState.FAILED,
                fan_id=fan.id,
                creator_id=tier.creator_id,
                amount=100000,
                currency="CZK",
            )
        )
        await session.flush()
        for amount, state in refunded:
            session.add(
                Refund(
                    payment_id=payments[0].id,
                    creator_id=tier.creator_id,
                    amount=amount,
                    currency="CZK",
                    state=state,
                    message_id=uuid.uuid4().hex,
                )
            )
    return membership


async def test_members_pages_filters_lifetime_paid_and_email_consent(
    make_user: UserFactory, api_resources: Resources
) -> None:
    owner = await make_user()
    _, (cheap, dear) = await _shop(api_resources, owner)
    start = datetime(2026, 9, 1, tzinfo=UTC)
    a = await _member(
        api_resources,
        cheap,
        since=start,
        shares=True,
        name="Alena",
        paid=(5900, 5900, 2000),
        refunded=(
            (1000, RefundState.SUCCEEDED),
            (33, RefundState.PENDING),
            (500, RefundState.FAILED),
        ),
    )
    b = await _member(api_resources, dear, since=start + timedelta(days=1), name="Bohouš",
                      paid=(9900,), cancelled=True)  # fmt: skip
    c = await _member(
        api_resources, dear, status=MembershipStatus.LAPSED, since=start + timedelta(days=2),
        shares=True, name="=HYPERLINK(\"x\")",
    )  # fmt: skip
    # Someone else's member never shows.
    async with api_resources.unit_of_work() as session:
        other_tier = await factories.tier(session, await factories.creator(session))
        await factories.membership(session, await factories.user(session), other_tier)

    url = "/api/v1/creators/me/members"
    first = (await owner.client.get(url, params={"limit": 2})).json()
    assert [item["membership_id"] for item in first["items"]] == [str(c.id), str(b.id)]
    second = (
        await owner.client.get(url, params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    assert [item["membership_id"] for item in second["items"]] == [str(a.id)]
    assert second["next_cursor"] is None

    alena = second["items"][0]
    assert alena["lifetime_paid"] == 5900 + 5900 + 2000 - 1000 - 33  # failed refund: still paid
    assert alena["email"].endswith("@example.cz")
    assert alena["next_renewal_at"] is not None
    bohous, lapsed = first["items"][1], first["items"][0]
    assert (bohous["email"], bohous["lifetime_paid"], bohous["next_renewal_at"]) == (
        None,
        9900,
        None,
    )
    assert bohous["cancel_at_period_end"] is True
    assert (lapsed["status"], lapsed["next_renewal_at"], lapsed["lifetime_paid"]) == (
        "lapsed",
        None,
        0,
    )

    async def ids(**params: str) -> list[str]:
        answer = await owner.client.get(url, params=params)
        assert answer.status_code == 200, answer.text
        return [item["membership_id"] for item in answer.json()["items"]]

    assert await ids(status="active") == [str(b.id), str(a.id)]
    assert await ids(tier_id=str(dear.id)) == [str(c.id), str(b.id)]
    assert await ids(tier_id=str(dear.id), status="lapsed") == [str(c.id)]
    assert await ids(tier_id=str(other_tier.id)) == []

    # The CSV: the same rows and rules, amounts exact, formulas defused.
    answer = await owner.client.get(f"{url}.csv")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(answer.text.removeprefix("\ufeff"))))
    assert [row["membership_id"] for row in rows] == [str(c.id), str(b.id), str(a.id)]
    assert rows[0]["display_name"] == '\'=HYPERLINK("x")'
    assert rows[2]["lifetime_paid"] == "127.67"
    assert (rows[1]["email"], rows[1]["lifetime_paid"], rows[1]["cancel_at_period_end"]) == (
        "", "99.00", "yes"
    )  # fmt: skip
    filtered = await owner.client.get(f"{url}.csv", params={"status": "lapsed"})
    assert [row["membership_id"] for row in csv.DictReader(io.StringIO(filtered.text[1:]))] == [
        str(c.id)
    ]


async def test_the_csv_is_read_in_chunks(make_user: UserFactory, api_resources: Resources) -> None:
    owner = await make_user()
    creator, (tier, _) = await _shop(api_resources, owner)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(7):
        await _member(api_resources, tier, since=start + timedelta(hours=n), paid=(100 * (n + 1),))
    parts = [
        part async for part in csv_export.stream(
            api_resources, creator.id, status=None, tier_id=None, chunk=3
        )
    ]  # fmt: skip
    assert len(parts) == 1 + 3  # the header, then chunks of 3, 3 and 1
    lines = "".join(parts).splitlines()[1:]
    assert [line.split(",")[9] for line in lines] == [f"{n}.00" for n in range(7, 0, -1)]


async def test_sharing_the_email_is_the_fans_choice(
    make_user: UserFactory, api_resources: Resources
) -> None:
    owner, fan = await make_user(), await make_user()
    _, (tier, _) = await _shop(api_resources, owner)
    async with api_resources.unit_of_work() as session:
        user = await session.get(User, fan.id)
        assert user is not None
        await factories.membership(session, user, tier)

    async def shown() -> str | None:
        items = (await owner.client.get("/api/v1/creators/me/members")).json()["items"]
        return items[0]["email"]  # type: ignore[no-any-return]

    assert await shown() is None
    on = await fan.client.put(
        "/api/v1/accounts/me/email-sharing", json={"share_email_with_creators": True}
    )
    assert on.json()["share_email_with_creators"] is True
    assert await shown() == fan.email
    export = (await fan.client.get("/api/v1/accounts/me/export")).json()
    assert export["profile"]["share_email_with_creators"] is True
    await fan.client.put(
        "/api/v1/accounts/me/email-sharing", json={"share_email_with_creators": False}
    )
    assert await shown() is None
    for body in ({"share": "yes"}, {"share_email_with_creators": 0}, {}):
        bad = await fan.client.put("/api/v1/accounts/me/email-sharing", json=body)
        assert (bad.status_code, bad.json()["error"]["code"]) == (422, "validation_error")


async def test_refusals(make_user: UserFactory, api_client: httpx.AsyncClient) -> None:
    fan = await make_user()
    for path in ("members", "members.csv", "analytics"):
        answer = await fan.client.get(f"/api/v1/creators/me/{path}")
        assert (answer.status_code, answer.json()["error"]["code"]) == (403, "not_a_creator")
        anonymous = await api_client.get(f"/api/v1/creators/me/{path}")
        assert anonymous.status_code == 401


async def test_bad_filters_and_cursors(make_user: UserFactory, api_resources: Resources) -> None:
    owner = await make_user()
    await _shop(api_resources, owner)
    url = "/api/v1/creators/me/members"
    cases = [
        (url, {"status": "gone"}, 422, "validation_error"),
        (url, {"tier_id": "nope"}, 422, "validation_error"),
        (url, {"limit": "0"}, 422, "validation_error"),
        (url, {"cursor": "garbage"}, 400, "invalid_cursor"),
        (f"{url}.csv", {"status": "gone"}, 422, "validation_error"),
    ]
    for path, params, status, code in cases:
        answer = await owner.client.get(path, params=params)
        assert (answer.status_code, answer.json()["error"]["code"]) == (status, code), params


async def test_erasure_empties_the_fans_words_and_consent_but_keeps_the_history(
    make_user: UserFactory, api_resources: Resources
) -> None:
    owner, fan = await make_user(), await make_user()
    _, (tier, _) = await _shop(api_resources, owner)
    async with api_resources.unit_of_work() as session:
        user = await session.get(User, fan.id)
        assert user is not None
        user.share_email_with_creators = True
        membership = await factories.membership(session, user, tier, MembershipStatus.LAPSED)
        session.add(
            MembershipEvent(
                membership_id=membership.id,
                creator_id=tier.creator_id,
                fan_id=user.id,
                tier_id=tier.id,
                kind=MembershipEventKind.CANCELLED,
                monthly_amount=5900,
                mrr_delta=-5900,
                currency="CZK",
                reason=CancellationReason.OTHER,
                reason_text="Jmenuji se Alena a stěhuji se.",
                occurred_at=datetime.now(UTC),
            )
        )
    gone = await fan.client.request("DELETE", "/api/v1/accounts/me", json={"password": PASSWORD})
    assert gone.status_code == 204, gone.text
    [event] = await all_rows(api_resources, MembershipEvent)
    assert (event.reason, event.reason_text, event.mrr_delta) == (
        CancellationReason.OTHER,
        None,
        -5900,
    )
    [member] = (await owner.client.get("/api/v1/creators/me/members")).json()["items"]
    assert (member["email"], member["display_name"]) == (None, "Deleted user")
