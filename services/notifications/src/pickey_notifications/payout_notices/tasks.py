"""Job: tell a creator their payout bank account changed (category ``money``: always emailed).

Reads ``payout_accounts``, ``creators`` and ``users`` (owned by `payments` and `api`). The email
shows the holder and only the last four characters of the IBAN: enough for the creator to
recognise their own account, useless to whoever reads their mailbox.
"""

from __future__ import annotations

import structlog
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import Creator, PayoutAccount, User
from pickey_core.queue.contracts import PayoutAccountChanged
from pickey_notifications.deliveries.notify import notify
from pickey_notifications.deliveries.planning import Outgoing
from pickey_notifications.kinds import Kind
from pickey_notifications.worker_resources import (
    NotificationsJobContext,
)

logger = structlog.get_logger(__name__)


async def payout_account_changed(
    ctx: NotificationsJobContext, payload: PayoutAccountChanged
) -> None:
    async def recipients(session: AsyncSession) -> list[Outgoing]:
        account = await session.get(PayoutAccount, payload.payout_account_id)
        if account is None:
            logger.info("payout account notice skipped: no such account")
            return []
        creator = await session.get(Creator, account.creator_id)
        assert creator is not None
        owner = await session.get(User, creator.user_id)
        if owner is None or owner.deleted_at is not None:
            return []
        data = {
            "iban_last4": account.iban[-4:],
            "holder_name": account.holder_name,
            "changed_at": account.created_at.isoformat(),
        }
        return [Outgoing(owner.id, owner.email, Kind.PAYOUT_ACCOUNT_CHANGED, data)]

    await notify(ctx, f"payout_account_changed:{payload.payout_account_id}", recipients)
