"""The fan's memberships: list them, cancel at period end, resume, change tier."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Body, Depends

from pickey_core.errors import NotAuthenticated, NotPermitted, UnsupportedMediaType, error_responses
from pickey_core.http.auth import CurrentUser, EmailNotVerified, VerifiedUser
from pickey_core.http.content_type import require_json
from pickey_core.http.dependencies import SessionDep
from pickey_core.pagination import Cursor, InvalidCursor, Limit, Page, decode_cursor, page_of
from pickey_payments.errors import TierArchived, TierNotFound
from pickey_payments.memberships import service
from pickey_payments.memberships.schemas import Cancellation, MembershipRead, TierChange
from pickey_payments.plans.prices import NoYearlyPrice

router = APIRouter(tags=["memberships"], dependencies=[Depends(require_json)])

_OWN = (NotAuthenticated, NotPermitted, service.MembershipNotFound, service.MembershipEnded)


@router.get(
    "/memberships",
    response_model=Page[MembershipRead],
    responses=error_responses(NotAuthenticated, InvalidCursor),
    summary="Your memberships, newest first",
)
async def my_memberships(
    fan: CurrentUser, session: SessionDep, limit: Limit = 20, cursor: Cursor = None
) -> Page[MembershipRead]:
    before = decode_cursor(cursor, datetime, uuid.UUID) if cursor else None
    rows = await service.page(session, fan, before, limit + 1)
    return page_of(
        [MembershipRead.from_membership(row) for row in rows],
        limit,
        lambda item: (item.created_at, item.id),
    )


@router.post(
    "/memberships/{membership_id}/cancel",
    response_model=MembershipRead,
    responses=error_responses(*_OWN, UnsupportedMediaType),
    summary="Cancel: no more renewals; access stays until the period ends (idempotent; an "
    "optional body says why)",
)
async def cancel(
    membership_id: uuid.UUID,
    fan: CurrentUser,
    session: SessionDep,
    why: Annotated[Cancellation | None, Body()] = None,
) -> MembershipRead:
    return MembershipRead.from_membership(await service.cancel(session, fan, membership_id, why))


@router.post(
    "/memberships/{membership_id}/resume",
    response_model=MembershipRead,
    responses=error_responses(*_OWN, EmailNotVerified),
    summary="Undo a cancel before the period ends (idempotent; needs a verified email)",
)
async def resume(
    membership_id: uuid.UUID, fan: VerifiedUser, session: SessionDep
) -> MembershipRead:
    return MembershipRead.from_membership(await service.resume(session, fan, membership_id))


@router.post(
    "/memberships/{membership_id}/change-tier",
    response_model=MembershipRead,
    responses=error_responses(
        *_OWN, TierNotFound, TierArchived, NoYearlyPrice, EmailNotVerified, UnsupportedMediaType
    ),
    summary="Switch tier from the next renewal on (no proration; needs a verified email)",
)
async def change_tier(
    membership_id: uuid.UUID, data: TierChange, fan: VerifiedUser, session: SessionDep
) -> MembershipRead:
    membership = await service.change_tier(session, fan, membership_id, data.tier_id)
    return MembershipRead.from_membership(membership)
