"""The creator's payouts and their statements (JSON, printable HTML, PDF)."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Response
from fastapi.responses import HTMLResponse
from sqlalchemy import select

from pickey_core.errors import NotAuthenticated, NotFound, error_responses
from pickey_core.http.content_type import require_json
from pickey_core.http.creators import CurrentCreator, NotACreator
from pickey_core.http.dependencies import SessionDep
from pickey_core.models import Creator, Payout
from pickey_core.pagination import (
    Cursor,
    InvalidCursor,
    Limit,
    Page,
    after_key,
    decode_cursor,
    page_of,
)
from pickey_payments.dependencies import BillingDep
from pickey_payments.payouts import statement as statements
from pickey_payments.payouts.schemas import PayoutRead
from pickey_payments.payouts.statement_documents import as_html, as_json, as_pdf

router = APIRouter(tags=["payouts"], dependencies=[Depends(require_json)])


class StatementNotFound(NotFound):
    code = "payout_not_found"


_ERRORS = (NotAuthenticated, NotACreator, StatementNotFound)


def creator_payouts_query(
    creator_id: uuid.UUID, before: tuple[datetime, uuid.UUID] | None, limit: int
) -> Any:
    """Newest first from ``ix_payouts_creator_created (creator_id, created_at, id)``."""
    query = (
        select(Payout)
        .where(Payout.creator_id == creator_id)
        .order_by(Payout.created_at.desc(), Payout.id.desc())
        .limit(limit)
    )
    if before is not None:
        query = query.where(after_key((Payout.created_at, Payout.id), before))
    return query


@router.get(
    "/creator/payouts",
    response_model=Page[PayoutRead],
    responses=error_responses(NotAuthenticated, NotACreator, InvalidCursor),
    summary="Your payouts, newest first",
)
async def my_payouts(
    creator: CurrentCreator, session: SessionDep, limit: Limit = 20, cursor: Cursor = None
) -> Page[PayoutRead]:
    before = decode_cursor(cursor, datetime, uuid.UUID) if cursor else None
    rows = (await session.scalars(creator_payouts_query(creator.id, before, limit + 1))).all()
    return page_of(
        [PayoutRead.of(row) for row in rows], limit, lambda item: (item.created_at, item.id)
    )


async def _statement(
    session: SessionDep, creator: Creator, payout_id: uuid.UUID, billing: BillingDep
) -> statements.Statement:
    payout = await session.get(Payout, payout_id)
    if payout is None or payout.creator_id != creator.id:
        raise StatementNotFound("No such payout.")
    return await statements.build(session, payout, billing.money)


@router.get(
    "/creator/payouts/{payout_id}/statement",
    responses=error_responses(*_ERRORS),
    summary="The statement of one payout: payments, fees, VAT, refunds, balances",
)
async def statement_json(
    payout_id: uuid.UUID, creator: CurrentCreator, session: SessionDep, billing: BillingDep
) -> dict[str, Any]:
    return as_json(await _statement(session, creator, payout_id, billing))


@router.get(
    "/creator/payouts/{payout_id}/statement.html",
    response_class=HTMLResponse,
    responses=error_responses(*_ERRORS),
    summary="The statement as a printable page (the self-billing invoice)",
)
async def statement_html(
    payout_id: uuid.UUID, creator: CurrentCreator, session: SessionDep, billing: BillingDep
) -> HTMLResponse:
    return HTMLResponse(as_html(await _statement(session, creator, payout_id, billing)))


@router.get(
    "/creator/payouts/{payout_id}/statement.pdf",
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}}}, **error_responses(*_ERRORS)},
    summary="The statement as PDF",
)
async def statement_pdf(
    payout_id: uuid.UUID, creator: CurrentCreator, session: SessionDep, billing: BillingDep
) -> Response:
    statement = await _statement(session, creator, payout_id, billing)
    return Response(
        as_pdf(statement),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{statement.number}.pdf"'},
    )
