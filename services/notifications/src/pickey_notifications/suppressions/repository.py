"""Queries on ``email_suppressions`` (addresses lower-cased)."""

from __future__ import annotations

from collections.abc import Collection

from pydantic import SecretStr
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.any_of import any_of
from pickey_core.erasure.suppressions import lookup_keys
from pickey_core.models import EmailSuppression, SuppressionReason


async def suppressed(
    session: AsyncSession, addresses: Collection[str], hash_key: SecretStr | None
) -> set[str]:
    """Which of ``addresses`` (any case) are suppressed, lower-cased: listed as they are, or as
    the keyed hash erasure left for them (:mod:`pickey_core.erasure.suppressions`)."""
    if not addresses:
        return set()
    keys = lookup_keys(addresses, hash_key)
    rows = await session.scalars(
        select(EmailSuppression.address).where(any_of(EmailSuppression.address, keys))
    )
    return {keys[row] for row in rows}


async def suppress(
    session: AsyncSession, address: str, reason: SuppressionReason, detail: str | None
) -> None:
    """Suppress ``address``; a complaint outranks a bounce if both happen."""
    statement = insert(EmailSuppression).values(
        address=address.lower(), reason=reason, detail=detail
    )
    update_set = {"detail": statement.excluded.detail, "updated_at": func.now()}
    if reason is SuppressionReason.COMPLAINED:
        update_set["reason"] = statement.excluded.reason
    await session.execute(
        statement.on_conflict_do_update(index_elements=["address"], set_=update_set)
    )
