"""A creator hears about every change of their payout account, once, with only the IBAN's last
four characters in the email."""

from __future__ import annotations

import json

from pickey_core.models import Channel, DeliveryState, PayoutAccount
from pickey_core.providers.pusher import user_channel
from pickey_core.queue.contracts import PayoutAccountChanged
from pickey_core.queue.worker import WorkerOptions
from pickey_core.resources import Resources
from tests.notifications.helpers import enqueue, ledger, one, states
from tests.support import factories
from tests.support.sandbox import MailgunSandbox, PusherSandbox
from tests.support.workers import drain


async def test_a_changed_payout_account_is_emailed_to_its_creator_once(
    resources: Resources,
    worker: WorkerOptions,
    mailgun_sandbox: MailgunSandbox,
    pusher_sandbox: PusherSandbox,
) -> None:
    async with resources.unit_of_work() as session:
        owner = await factories.user(session, email="gordikey@example.cz")
        creator = await factories.creator(session, owner)
        account = PayoutAccount(
            creator_id=creator.id, iban="CZ6508000000192000145399", holder_name="Jana Nováková"
        )
        session.add(account)
        await session.flush()
    await enqueue(
        resources,
        PayoutAccountChanged(payout_account_id=account.id),
        PayoutAccountChanged(payout_account_id=account.id),
    )

    await drain(worker)

    row = one(await ledger(resources), owner.id)
    assert (row.kind, row.event_key) == (
        "payout_account_changed",
        f"payout_account_changed:{account.id}",
    )
    assert states(row)[Channel.EMAIL] is DeliveryState.SENT
    [email] = mailgun_sandbox.deliveries("gordikey@example.cz")
    assert email["subject"] == "Účet pro výplaty byl změněn"
    assert "účet končící 5399, majitel Jana Nováková" in email["text"]
    assert "192000145399" not in email["text"] + email["html"]
    [event] = pusher_sandbox.events(channel=user_channel(owner.id))
    assert json.loads(event["data"])["data"]["iban_last4"] == "5399"
