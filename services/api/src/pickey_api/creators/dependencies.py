"""The caller's own creator profile, for every ``/creators/me/...`` route."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from pickey_api.creators import service
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep
from pickey_core.models import Creator


async def _current_creator(user: CurrentUser, session: SessionDep) -> Creator:
    return await service.own_creator(session, user)


CurrentCreator = Annotated[Creator, Depends(_current_creator, scope="function")]
