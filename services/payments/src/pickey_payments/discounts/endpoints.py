"""The creator's discount codes: create, list, disable. Fans redeem them at checkout
(``discount_code`` of a membership checkout)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, status

from pickey_core.errors import NotAuthenticated, UnsupportedMediaType, error_responses
from pickey_core.http.auth import EmailNotVerified
from pickey_core.http.content_type import require_json
from pickey_core.http.creators import CurrentCreator, NotACreator, VerifiedCreator
from pickey_core.http.dependencies import SessionDep
from pickey_core.pagination import Cursor, InvalidCursor, Limit, Page, decode_cursor, page_of
from pickey_payments.discounts import repository, service
from pickey_payments.discounts.schemas import DiscountCodeCreate, DiscountCodeRead

router = APIRouter(tags=["discounts"], dependencies=[Depends(require_json)])


@router.post(
    "/creator/discount-codes",
    status_code=status.HTTP_201_CREATED,
    response_model=DiscountCodeRead,
    responses=error_responses(
        NotAuthenticated,
        NotACreator,
        EmailNotVerified,
        UnsupportedMediaType,
        service.DiscountCodeTaken,
        service.DiscountTierUnknown,
    ),
    summary="Create a discount code for your tiers",
)
async def create_code(
    data: DiscountCodeCreate, creator: VerifiedCreator, session: SessionDep
) -> DiscountCodeRead:
    return DiscountCodeRead.of(await service.create(session, creator, data))


@router.get(
    "/creator/discount-codes",
    response_model=Page[DiscountCodeRead],
    responses=error_responses(NotAuthenticated, NotACreator, InvalidCursor),
    summary="Your discount codes, newest first, with their uses",
)
async def my_codes(
    creator: CurrentCreator, session: SessionDep, limit: Limit = 20, cursor: Cursor = None
) -> Page[DiscountCodeRead]:
    before = decode_cursor(cursor, datetime, uuid.UUID) if cursor else None
    rows = await repository.of_creator(session, creator.id, before, limit + 1)
    return page_of(
        [DiscountCodeRead.of(row) for row in rows], limit, lambda item: (item.created_at, item.id)
    )


@router.post(
    "/creator/discount-codes/{code_id}/disable",
    response_model=DiscountCodeRead,
    responses=error_responses(
        NotAuthenticated, NotACreator, EmailNotVerified, service.DiscountCodeNotFound
    ),
    summary="Stop offering a code (fans who redeemed it keep their discounted periods)",
)
async def disable_code(
    code_id: uuid.UUID, creator: VerifiedCreator, session: SessionDep
) -> DiscountCodeRead:
    return DiscountCodeRead.of(await service.disable(session, creator, code_id, datetime.now(UTC)))
