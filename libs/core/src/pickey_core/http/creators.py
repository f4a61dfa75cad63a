"""Who is calling, as a creator: the one gate every service uses for "creators only" routes.

A caller without a creator profile gets 403 ``not_a_creator``, never 404: the caller is known,
whether they have a creator page is their own fact (nothing to hide from them), and the answer
tells the web app to offer "become a creator" rather than "not found". The api and payments
once answered this differently under one error code; this module is the single answer.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import Depends
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.errors import NotPermitted
from pickey_core.http.auth import CurrentUser, VerifiedUser
from pickey_core.http.dependencies import SessionDep
from pickey_core.models import Creator


class NotACreator(NotPermitted):
    code = "not_a_creator"


async def creator_of(session: AsyncSession, user_id: uuid.UUID | None) -> Creator | None:
    """The user's creator profile, if they have one (one per user)."""
    if user_id is None:
        return None
    return await session.scalar(select(Creator).where(Creator.user_id == user_id))


async def require_creator(session: AsyncSession, user_id: uuid.UUID) -> Creator:
    """The user's creator profile; 403 ``not_a_creator`` without one."""
    creator = await creator_of(session, user_id)
    if creator is None:
        raise NotACreator("You have no creator page yet; become a creator first.")
    return creator


async def _current_creator(user: CurrentUser, session: SessionDep) -> Creator:
    return await require_creator(session, user.id)


async def _verified_creator(user: VerifiedUser, session: SessionDep) -> Creator:
    return await require_creator(session, user.id)


CurrentCreator = Annotated[Creator, Depends(_current_creator, scope="function")]
"""The caller's creator profile (401 without a session, 403 without a profile)."""

VerifiedCreator = Annotated[Creator, Depends(_verified_creator, scope="function")]
"""As :data:`CurrentCreator`, and the caller's email address is verified."""
