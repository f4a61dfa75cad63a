"""``PUT /api/v1/posts/{post_id}/vote``: a fan's vote in a poll post."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter

from pickey_api.polls import service
from pickey_api.polls.schemas import PollRead, VoteCreate
from pickey_core.errors import NotAuthenticated, NotPermitted, UnsupportedMediaType, error_responses
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep

router = APIRouter(prefix="/posts", tags=["polls"])


@router.put(
    "/{post_id}/vote",
    response_model=PollRead,
    responses=error_responses(
        NotAuthenticated,
        NotPermitted,
        service.PollNotFound,
        service.NotEntitled,
        service.OwnPoll,
        service.PollClosed,
        service.AlreadyVoted,
        service.UnknownOption,
        UnsupportedMediaType,
    ),
    summary="Vote in a poll (once; repeating the same vote is harmless)",
)
async def vote(
    post_id: uuid.UUID, data: VoteCreate, user: CurrentUser, session: SessionDep
) -> PollRead:
    return await service.vote(session, user.id, post_id, data.option_id, datetime.now(UTC))
