"""``/api/v1/creators/me/members``: the creator's members, as pages or as a CSV download."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import StreamingResponse

from pickey_api.members import csv_export, service
from pickey_api.members.schemas import MemberRead
from pickey_core.errors import NotAuthenticated, error_responses
from pickey_core.http.creators import CurrentCreator, NotACreator
from pickey_core.http.dependencies import ResourcesDep, SessionDep
from pickey_core.models import MembershipStatus
from pickey_core.pagination import Cursor, InvalidCursor, Limit, Page, decode_cursor, page_of

router = APIRouter(prefix="/creators/me/members", tags=["members"])

StatusFilter = Annotated[MembershipStatus | None, Query(description="Only this status.")]
TierFilter = Annotated[uuid.UUID | None, Query(description="Only members of this tier.")]


@router.get(
    "",
    response_model=Page[MemberRead],
    responses=error_responses(NotAuthenticated, NotACreator, InvalidCursor),
    summary="Your members, newest first, filtered by status and tier",
)
async def members(
    creator: CurrentCreator,
    session: SessionDep,
    status: StatusFilter = None,
    tier_id: TierFilter = None,
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[MemberRead]:
    before = decode_cursor(cursor, datetime, uuid.UUID) if cursor else None
    rows = await service.page(
        session, creator.id, status=status, tier_id=tier_id, before=before, limit=limit + 1
    )
    return page_of(rows, limit, lambda item: (item.since, item.membership_id))


@router.get(
    ".csv",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/csv": {"schema": {"type": "string"}}}, "description": "CSV"},
        **error_responses(NotAuthenticated, NotACreator),
    },
    summary="Your members as a CSV file (the same filters; e-mail only where the fan agreed)",
)
async def members_csv(
    creator: CurrentCreator,
    resources: ResourcesDep,
    status: StatusFilter = None,
    tier_id: TierFilter = None,
) -> StreamingResponse:
    body = csv_export.stream(resources, creator.id, status=status, tier_id=tier_id)
    return StreamingResponse(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": 'attachment; filename="members.csv"',
            "Cache-Control": "no-store",
        },
    )
