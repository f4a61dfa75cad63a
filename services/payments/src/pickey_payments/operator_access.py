"""The operator role: ``users.is_operator`` (granted by hand in the database). Everyone else,
logged in, gets 403 ``not_operator``; without a session, 401."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from pickey_core.errors import NotPermitted
from pickey_core.http.auth import CurrentUser
from pickey_core.models import User


class NotOperator(NotPermitted):
    code = "not_operator"


async def _operator(user: CurrentUser) -> User:
    if not user.is_operator:
        raise NotOperator("Only platform operators may do this.")
    return user


CurrentOperator = Annotated[User, Depends(_operator, scope="function")]
