"""Who may use the creator's money pages: a logged-in user with a creator profile; changing
where the money goes also needs a verified email address.

``VerifiedUser`` is this service's own small gate (403 ``email_not_verified``). Issue 15 plans
one shared "verified user" gate; when it lands, this dependency should become that one.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends
from sqlalchemy import select

from pickey_core.errors import NotPermitted
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep
from pickey_core.models import Creator, User


class NotACreator(NotPermitted):
    code = "not_a_creator"


class EmailNotVerified(NotPermitted):
    code = "email_not_verified"


async def _verified_user(user: CurrentUser) -> User:
    if user.email_verified_at is None:
        raise EmailNotVerified("Verify your email address first.")
    return user


VerifiedUser = Annotated[User, Depends(_verified_user, scope="function")]


async def _creator_of(user: User, session: SessionDep) -> Creator:
    creator = await session.scalar(select(Creator).where(Creator.user_id == user.id))
    if creator is None:
        raise NotACreator("Only creators have earnings and payouts.")
    return creator


async def _current_creator(user: CurrentUser, session: SessionDep) -> Creator:
    return await _creator_of(user, session)


async def _verified_creator(user: VerifiedUser, session: SessionDep) -> Creator:
    return await _creator_of(user, session)


CurrentCreator = Annotated[Creator, Depends(_current_creator, scope="function")]
VerifiedCreator = Annotated[Creator, Depends(_verified_creator, scope="function")]
