"""Queries on users."""

from __future__ import annotations

from pickey_core.models import User
from sqlalchemy import exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession


async def email_taken(session: AsyncSession, email: str) -> bool:
    taken = await session.scalar(select(exists().where(func.lower(User.email) == email.lower())))
    return bool(taken)
