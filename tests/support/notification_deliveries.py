"""A creator's members and a new post to notify them of, and the check that every member got
each notice exactly once, for the provider-failure tests."""

from __future__ import annotations

import uuid

from pickey_core.models import DeliveryState
from pickey_core.providers.pusher import user_channel
from pickey_core.resources import Resources
from tests.notifications.helpers import (
    copies_per_address,
    events_per_channel,
    ledger,
)
from tests.support import factories
from tests.support.sandbox import MailgunSandbox, PusherSandbox

MEMBERS = 8


async def members_and_post(
    resources: Resources, *, bad_address: bool = False
) -> tuple[uuid.UUID, list[uuid.UUID]]:
    async with resources.unit_of_work() as session:
        creator = await factories.creator(session)
        tier = await factories.tier(session, creator)
        fans = [await factories.user(session) for _ in range(MEMBERS)]
        if bad_address:  # an address Mailgun refuses (no domain): a 400 for any call with it
            fans.append(await factories.user(session, email="not-an-address"))
        for fan in fans:
            await factories.membership(session, fan, tier)
        post = await factories.post(session, creator)
    return post.id, [fan.id for fan in fans]


async def assert_all_sent_once(
    resources: Resources, fans: list[uuid.UUID], mailgun: MailgunSandbox, pusher: PusherSandbox
) -> None:
    rows = await ledger(resources)
    assert {state for row in rows for state, _, _ in row.deliveries.values()} == {
        DeliveryState.SENT
    }
    copies = copies_per_address(mailgun.messages())
    assert len(copies) == len(fans)
    assert set(copies.values()) == {1}
    channels = events_per_channel(pusher.events())
    assert [channels[user_channel(fan)] for fan in fans] == [1] * len(fans)
