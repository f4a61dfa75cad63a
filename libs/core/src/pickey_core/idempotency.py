"""Run an effect once per business key, whatever happens to the jobs and requests around it.

The key is inserted into ``idempotency_keys`` (primary key) in the caller's transaction, before
the effect (``if await claim(session, key): ...``). A second attempt with the same key,
concurrent or later, finds it and skips the effect; a concurrent one waits on the key's row lock
until the first commits or rolls back. If the transaction rolls back (the effect failed), the key
goes with it and a retry may run.

Use it for effects that live in the same database transaction. For calls to a provider that
cannot join the transaction (email, card charges), use a ledger row with states instead (see
the notifications delivery ledger): claim, commit, call, record.
"""

from __future__ import annotations

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import IdempotencyKey


async def claim(session: AsyncSession, key: str) -> bool:
    """Insert ``key``; True if this transaction holds it now, False if it was already there."""
    inserted = await session.scalar(
        insert(IdempotencyKey)
        .values(key=key)
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(IdempotencyKey.key)
    )
    return inserted is not None
