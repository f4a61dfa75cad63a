"""The access rules for posts, for every kind of viewer."""

from __future__ import annotations

import pytest

from pickey_api.post_access.entitlements import Access, access_to, entitlements
from pickey_core.models import MembershipStatus, PostAccess
from pickey_core.resources import Resources
from tests.support import factories as make


@pytest.fixture
async def world(api_resources: Resources) -> dict[str, object]:
    """Gordíkey with tiers 59/99/199 Kč and posts of each access; fans of each kind."""
    async with api_resources.unit_of_work() as session:
        owner = await make.user(session)
        gordikey = await make.creator(session, owner)
        granulky = await make.tier(session, gordikey, 5900, name="Na granulkey")
        steaky = await make.tier(session, gordikey, 9900, name="Na steaky")
        loviste = await make.tier(session, gordikey, 19900, name="Na věčná loviště")
        other_creator = await make.creator(session)
        others_tier = await make.tier(session, other_creator, 9900)
        posts = {
            "public": await make.post(session, gordikey),
            "steaky_listed": await make.post(
                session, gordikey, access=PostAccess.MEMBERS, tiers=[steaky]
            ),
            "99_and_above": await make.post(
                session, gordikey, access=PostAccess.MEMBERS, min_tier_price=9900
            ),
            "paid": await make.post(
                session,
                gordikey,
                access=PostAccess.PAID,
                unlock_price_amount=4900,
                unlock_currency="CZK",
            ),
        }
        fans = {"anonymous": None, "owner": owner}
        for name, tier, status in [
            ("granulky", granulky, MembershipStatus.ACTIVE),
            ("steaky", steaky, MembershipStatus.ACTIVE),
            ("loviste", loviste, MembershipStatus.ACTIVE),
            ("steaky_past_due", steaky, MembershipStatus.PAST_DUE),
            ("steaky_lapsed", steaky, MembershipStatus.LAPSED),
            ("member_of_other_creator", others_tier, MembershipStatus.ACTIVE),
        ]:
            fan = await make.user(session)
            await make.membership(session, fan, tier, status)
            fans[name] = fan
        follower = await make.user(session)
        await make.follow(session, follower, gordikey)
        fans["follower"] = follower
        buyer = await make.user(session)
        await make.unlock(session, buyer, posts["paid"])
        fans["buyer"] = buyer
    return {"posts": posts, "fans": fans}


F, T, OWN = Access.FULL, Access.TEASER, Access.OWNER
EXPECTED = {
    #                          public steaky_listed 99_and_above paid
    "anonymous": (F, T, T, T),
    "owner": (OWN, OWN, OWN, OWN),
    "follower": (F, T, T, T),
    "granulky": (F, T, T, T),
    "steaky": (F, F, F, T),
    "loviste": (F, T, F, T),
    "steaky_past_due": (F, F, F, T),
    "steaky_lapsed": (F, T, T, T),
    "member_of_other_creator": (F, T, T, T),
    "buyer": (F, T, T, F),
}


@pytest.mark.parametrize("viewer", sorted(EXPECTED))
async def test_access_matrix(api_resources: Resources, world: dict, viewer: str) -> None:
    posts = world["posts"]
    fan = world["fans"][viewer]
    async with api_resources.sessions() as session:
        got = await entitlements(session, fan.id if fan else None, list(posts.values()))
        single = await access_to(session, fan.id if fan else None, posts["steaky_listed"])

    names = ["public", "steaky_listed", "99_and_above", "paid"]
    assert tuple(got[posts[name].id] for name in names) == EXPECTED[viewer]
    assert single == EXPECTED[viewer][1]
