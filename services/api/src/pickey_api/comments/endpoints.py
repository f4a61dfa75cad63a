"""``/api/v1/posts/{post_id}/comments`` and ``/api/v1/comments/{comment_id}``: thin routes over
:mod:`pickey_api.comments.service`."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, status

from pickey_api.comments import service
from pickey_api.comments.schemas import CommentCreate, CommentRead, CommentUpdate
from pickey_api.post_access.gate import PostLocked
from pickey_core.errors import (
    NotAuthenticated,
    NotPermitted,
    UnsupportedMediaType,
    error_responses,
)
from pickey_core.http.auth import CurrentUser, OptionalUser
from pickey_core.http.dependencies import SessionDep
from pickey_core.pagination import DEFAULT_LIMIT, Cursor, InvalidCursor, Limit, Page
from pickey_core.post_readiness import PostNotFound

router = APIRouter(tags=["comments"])


@router.get(
    "/posts/{post_id}/comments",
    response_model=Page[CommentRead],
    responses=error_responses(PostNotFound, PostLocked, InvalidCursor),
    summary="A post's comments, oldest first (replies carry parent_id)",
)
async def list_comments(
    post_id: uuid.UUID,
    session: SessionDep,
    viewer: OptionalUser,
    cursor: Cursor = None,
    limit: Limit = DEFAULT_LIMIT,
) -> Page[CommentRead]:
    viewer_id = viewer.id if viewer is not None else None
    return await service.list_comments(session, viewer_id, post_id, cursor, limit)


@router.post(
    "/posts/{post_id}/comments",
    status_code=status.HTTP_201_CREATED,
    response_model=CommentRead,
    responses=error_responses(
        NotAuthenticated,
        NotPermitted,
        PostNotFound,
        PostLocked,
        service.ParentNotFound,
        service.ReplyTooDeep,
        service.ParentDeleted,
        UnsupportedMediaType,
    ),
    summary="Comment on a post, or reply to a comment",
)
async def create_comment(
    post_id: uuid.UUID, data: CommentCreate, session: SessionDep, user: CurrentUser
) -> CommentRead:
    return await service.create_comment(session, user, post_id, data)


@router.patch(
    "/comments/{comment_id}",
    response_model=CommentRead,
    responses=error_responses(
        NotAuthenticated,
        PostLocked,
        service.NotCommentAuthor,
        service.CommentNotFound,
        service.CommentDeleted,
        UnsupportedMediaType,
    ),
    summary="Edit your comment",
)
async def edit_comment(
    comment_id: uuid.UUID, data: CommentUpdate, session: SessionDep, user: CurrentUser
) -> CommentRead:
    return await service.edit_comment(session, user, comment_id, data)


@router.delete(
    "/comments/{comment_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(
        NotAuthenticated, PostLocked, service.NotCommentAuthor, service.CommentNotFound
    ),
    summary="Delete your comment, or one on your post",
)
async def delete_comment(comment_id: uuid.UUID, session: SessionDep, user: CurrentUser) -> None:
    await service.delete_comment(session, user, comment_id)
