"""``POST /payments/{id}/refunds``: the creator (within the window, from the dashboard) or an
operator gives a fan's money back, partly or fully. The refund is accepted (202) and sent by the
payments worker; the fan is told when it succeeds."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Body, Depends, status

from pickey_core.errors import NotAuthenticated, UnsupportedMediaType, error_responses
from pickey_core.http.auth import CurrentUser
from pickey_core.http.content_type import require_json
from pickey_core.http.creators import CurrentCreator, NotACreator
from pickey_core.http.dependencies import SessionDep
from pickey_core.pagination import Cursor, InvalidCursor, Limit, Page, decode_cursor, page_of
from pickey_payments.dependencies import BillingDep
from pickey_payments.refunds import repository, service
from pickey_payments.refunds.schemas import RefundCreate, RefundRead

router = APIRouter(tags=["refunds"])


@router.post(
    "/payments/{payment_id}/refunds",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RefundRead,
    dependencies=[Depends(require_json)],
    responses=error_responses(NotAuthenticated, UnsupportedMediaType, *service.REFUND_ERRORS),
    summary="Refund a payment (its creator within the refund window, or an operator)",
)
async def create_refund(
    payment_id: uuid.UUID,
    data: RefundCreate = Body(),
    *,
    user: CurrentUser,
    session: SessionDep,
    billing: BillingDep,
) -> RefundRead:
    refund = await service.request(
        session,
        payment_id,
        amount=data.amount,
        reason=data.reason,
        ends_access=data.ends_access,
        billing=billing,
        now=datetime.now(UTC),
        requested_by=user,
    )
    return RefundRead.from_refund(refund)


@router.get(
    "/creator/refunds",
    response_model=Page[RefundRead],
    responses=error_responses(NotAuthenticated, NotACreator, InvalidCursor),
    summary="Refunds of payments made to you (by you, an operator or the platform), newest first",
)
async def creator_refunds(
    creator: CurrentCreator, session: SessionDep, limit: Limit = 20, cursor: Cursor = None
) -> Page[RefundRead]:
    before = decode_cursor(cursor, datetime, uuid.UUID) if cursor else None
    query = repository.page_of_creator_query(creator.id, before, limit + 1)
    refunds = (await session.scalars(query)).all()
    return page_of(
        [RefundRead.from_refund(refund) for refund in refunds],
        limit,
        lambda item: (item.created_at, item.id),
    )
