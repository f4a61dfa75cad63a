"""``GET /payments``: the fan's own payments, newest first (keyset pages)."""

from __future__ import annotations

from fastapi import APIRouter

from pickey_core.errors import NotAuthenticated, error_responses
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep
from pickey_core.pagination import DEFAULT_LIMIT, Cursor, InvalidCursor, Limit, Page
from pickey_payments.payments import service
from pickey_payments.payments.schemas import PaymentListItem

router = APIRouter(tags=["payments"])


@router.get(
    "/payments",
    response_model=Page[PaymentListItem],
    responses=error_responses(NotAuthenticated, InvalidCursor),
    summary="Your payments: what, to whom, amount, state, refunds",
)
async def list_payments(
    fan: CurrentUser, session: SessionDep, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> Page[PaymentListItem]:
    return await service.list_own(session, fan, cursor, limit)
