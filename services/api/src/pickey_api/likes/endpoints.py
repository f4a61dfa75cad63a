"""``/api/v1/posts/{post_id}/like``: thin routes over :mod:`pickey_api.likes.service`."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from pickey_api.likes import service
from pickey_api.post_access.gate import PostLocked
from pickey_core.errors import NotAuthenticated, NotPermitted, error_responses
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep
from pickey_core.post_readiness import PostNotFound

router = APIRouter(prefix="/posts/{post_id}/like", tags=["likes"])


@router.put(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(NotAuthenticated, NotPermitted, PostLocked, PostNotFound),
    summary="Like a post (idempotent)",
)
async def like(post_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> None:
    await service.like(session, user.id, post_id)


@router.delete(
    "",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(NotAuthenticated, NotPermitted, PostNotFound),
    summary="Take back your like (idempotent)",
)
async def unlike(post_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> None:
    await service.unlike(session, user.id, post_id)
