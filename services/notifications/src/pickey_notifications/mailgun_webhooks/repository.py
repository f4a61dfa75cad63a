"""What the Mailgun event job reads: whose address an event names."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import User


async def user_id_by_email(session: AsyncSession, address: str) -> uuid.UUID | None:
    """The user with this (lower-cased) address, compared case-insensitively."""
    return await session.scalar(select(User.id).where(func.lower(User.email) == address))
