"""Queries on users."""

from __future__ import annotations

from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.models import User


async def email_taken(session: AsyncSession, email: str) -> bool:
    taken = await session.scalar(select(exists().where(func.lower(User.email) == email.lower())))
    return bool(taken)
