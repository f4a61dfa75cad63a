"""Gifts and comps: a fan redeems a gift code; a creator gives free months and lists what was
given. Buying a gift is a checkout (``POST /checkouts`` with ``kind: gift``)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, status

from pickey_core.errors import NotAuthenticated, UnsupportedMediaType, error_responses
from pickey_core.http.auth import EmailNotVerified, VerifiedUser
from pickey_core.http.content_type import require_json
from pickey_core.http.creators import CurrentCreator, NotACreator, VerifiedCreator
from pickey_core.http.dependencies import SessionDep
from pickey_core.pagination import Cursor, InvalidCursor, Limit, Page, decode_cursor, page_of
from pickey_payments.gifts import service
from pickey_payments.gifts.schemas import CompCreate, GiftRedeem, MembershipGrantRead

router = APIRouter(tags=["gifts"], dependencies=[Depends(require_json)])


@router.post(
    "/gifts/redeem",
    status_code=status.HTTP_201_CREATED,
    response_model=MembershipGrantRead,
    responses=error_responses(
        NotAuthenticated, EmailNotVerified, UnsupportedMediaType, *service.REDEEM_ERRORS
    ),
    summary="Redeem a gift membership code (once; extends a membership you already hold)",
)
async def redeem_gift(
    data: GiftRedeem, fan: VerifiedUser, session: SessionDep
) -> MembershipGrantRead:
    return MembershipGrantRead.of(await service.redeem(session, fan, data.code, datetime.now(UTC)))


@router.post(
    "/creator/comps",
    status_code=status.HTTP_201_CREATED,
    response_model=MembershipGrantRead,
    responses=error_responses(
        NotAuthenticated, NotACreator, EmailNotVerified, UnsupportedMediaType, *service.COMP_ERRORS
    ),
    summary="Give a fan free months of one of your tiers (no payment)",
)
async def give_comp(
    data: CompCreate, creator: VerifiedCreator, session: SessionDep
) -> MembershipGrantRead:
    grant = await service.comp(
        session, creator, data.fan_id, data.tier_id, data.months, datetime.now(UTC)
    )
    return MembershipGrantRead.of(grant)


@router.get(
    "/creator/membership-grants",
    response_model=Page[MembershipGrantRead],
    responses=error_responses(NotAuthenticated, NotACreator, InvalidCursor),
    summary="Free months given on your page (comps and redeemed gifts), newest first",
)
async def my_grants(
    creator: CurrentCreator, session: SessionDep, limit: Limit = 20, cursor: Cursor = None
) -> Page[MembershipGrantRead]:
    before = decode_cursor(cursor, datetime, uuid.UUID) if cursor else None
    rows = await service.grants_of_creator(session, creator.id, before, limit + 1)
    return page_of(
        [MembershipGrantRead.of(row) for row in rows],
        limit,
        lambda item: (item.created_at, item.id),
    )
