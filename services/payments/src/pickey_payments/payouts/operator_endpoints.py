"""Operator routes for payout batches: list, inspect, download the bank order, mark states."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Body, Depends, Query, Response
from sqlalchemy import func, select

from pickey_core.errors import NotAuthenticated, NotFound, UnsupportedMediaType, error_responses
from pickey_core.http.content_type import require_json
from pickey_core.http.dependencies import SessionDep
from pickey_core.models import Payout, PayoutBatch, PayoutBatchState, PayoutOrder
from pickey_core.pagination import Cursor, InvalidCursor, Limit, Page, decode_cursor, page_of
from pickey_payments.operator_access import CurrentOperator, NotOperator
from pickey_payments.payouts import service
from pickey_payments.payouts.schemas import (
    BatchStateChange,
    CurrencyTotal,
    PayoutBatchDetail,
    PayoutBatchRead,
    PayoutRead,
)

router = APIRouter(prefix="/operator", tags=["operator"], dependencies=[Depends(require_json)])

_GUARD = (NotAuthenticated, NotOperator)


class NoPaymentOrder(NotFound):
    code = "payment_order_not_found"


@router.get(
    "/payout-batches",
    response_model=Page[PayoutBatchRead],
    responses=error_responses(*_GUARD, InvalidCursor),
    summary="Payout batches, newest first",
)
async def list_batches(
    operator: CurrentOperator, session: SessionDep, limit: Limit = 20, cursor: Cursor = None
) -> Page[PayoutBatchRead]:
    query = select(PayoutBatch).order_by(PayoutBatch.period.desc()).limit(limit + 1)
    if cursor:
        (after,) = decode_cursor(cursor, str)
        query = query.where(PayoutBatch.period < after)
    rows = (await session.scalars(query)).all()
    return page_of([PayoutBatchRead.of(row) for row in rows], limit, lambda b: (b.period,))


async def _detail(session: SessionDep, batch: PayoutBatch) -> PayoutBatchDetail:
    totals = await session.execute(
        select(Payout.currency, func.count(), func.sum(Payout.amount))
        .where(Payout.batch_id == batch.id)
        .group_by(Payout.currency)
        .order_by(Payout.currency)
    )
    return PayoutBatchDetail(
        **PayoutBatchRead.of(batch).model_dump(),
        totals=[CurrencyTotal(currency=c, payouts=n, amount=int(a)) for c, n, a in totals],
    )


@router.get(
    "/payout-batches/{batch_id}",
    response_model=PayoutBatchDetail,
    responses=error_responses(*_GUARD, service.BatchNotFound),
    summary="One batch with its totals per currency",
)
async def read_batch(
    batch_id: uuid.UUID, operator: CurrentOperator, session: SessionDep
) -> PayoutBatchDetail:
    batch = await session.get(PayoutBatch, batch_id)
    if batch is None:
        raise service.BatchNotFound("No such payout batch.")
    return await _detail(session, batch)


@router.get(
    "/payout-batches/{batch_id}/payment-order",
    response_class=Response,
    responses={
        200: {"content": {"application/xml": {}}, "description": "ISO 20022 pain.001.001.03"},
        **error_responses(*_GUARD, NoPaymentOrder),
    },
    summary="The bank payment order (pain.001) of one currency, to upload to the bank",
)
async def payment_order(
    batch_id: uuid.UUID,
    operator: CurrentOperator,
    session: SessionDep,
    currency: str = Query(default="CZK", pattern="^(CZK|EUR)$"),
) -> Response:
    order = await session.get(PayoutOrder, (batch_id, currency))
    if order is None:
        raise NoPaymentOrder(f"This batch has no {currency} payment order.")
    batch = await session.get(PayoutBatch, batch_id)
    assert batch is not None
    filename = f"pickey-payouts-{batch.period}-{currency}.xml"
    return Response(
        order.document,
        media_type="application/xml",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@router.post(
    "/payout-batches/{batch_id}/state",
    response_model=PayoutBatchDetail,
    responses=error_responses(
        *_GUARD, UnsupportedMediaType, service.BatchNotFound, service.BatchStateConflict
    ),
    summary="Mark a batch sent to the bank, paid, or failed (failed returns the money)",
)
async def mark_batch(
    batch_id: uuid.UUID,
    change: BatchStateChange = Body(),
    *,
    operator: CurrentOperator,
    session: SessionDep,
) -> PayoutBatchDetail:
    target = PayoutBatchState(change.state)
    batch = await service.mark(session, batch_id, target, datetime.now(UTC))
    return await _detail(session, batch)


@router.post(
    "/payout-batches/{batch_id}/payouts/{payout_id}/failed",
    response_model=PayoutRead,
    responses=error_responses(
        *_GUARD, service.BatchNotFound, service.PayoutNotFound, service.BatchStateConflict
    ),
    summary="One payout came back from the bank: its money returns to the creator's balance",
)
async def fail_payout(
    batch_id: uuid.UUID, payout_id: uuid.UUID, operator: CurrentOperator, session: SessionDep
) -> PayoutRead:
    payout = await service.fail_one(session, batch_id, payout_id, datetime.now(UTC))
    return PayoutRead.of(payout)
