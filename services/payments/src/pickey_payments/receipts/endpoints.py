"""``GET /payments/{id}/receipt`` (JSON), ``.html`` and ``.pdf``: the fan's receipt of a paid
payment. Another fan's payment is answered like a missing one (404)."""

from __future__ import annotations

import uuid

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from pickey_core.errors import NotAuthenticated, error_responses
from pickey_core.http.auth import CurrentUser
from pickey_core.http.dependencies import SessionDep
from pickey_payments.dependencies import BillingDep
from pickey_payments.errors import PaymentNotFound
from pickey_payments.payments import service as payments
from pickey_payments.receipts import render, service
from pickey_payments.receipts.schemas import Receipt

router = APIRouter(tags=["receipts"])
ERRORS = error_responses(NotAuthenticated, PaymentNotFound, service.ReceiptNotAvailable)


async def _receipt(
    payment_id: uuid.UUID, fan: CurrentUser, session: SessionDep, billing: BillingDep
) -> Receipt:
    payment = await payments.get_own(session, fan, payment_id)
    return await service.build(session, fan, payment, billing)


@router.get(
    "/payments/{payment_id}/receipt",
    response_model=Receipt,
    responses=ERRORS,
    summary="The receipt (simplified tax document) of one of your paid payments",
)
async def get_receipt(
    payment_id: uuid.UUID, fan: CurrentUser, session: SessionDep, billing: BillingDep
) -> Receipt:
    return await _receipt(payment_id, fan, session, billing)


@router.get(
    "/payments/{payment_id}/receipt.html",
    response_class=HTMLResponse,
    responses=ERRORS,
    summary="The receipt as a printable page",
)
async def get_receipt_html(
    payment_id: uuid.UUID, fan: CurrentUser, session: SessionDep, billing: BillingDep
) -> HTMLResponse:
    return HTMLResponse(render.html(await _receipt(payment_id, fan, session, billing)))


@router.get(
    "/payments/{payment_id}/receipt.pdf",
    response_class=Response,
    responses={**ERRORS, 200: {"content": {"application/pdf": {}}}},
    summary="The receipt as PDF",
)
async def get_receipt_pdf(
    payment_id: uuid.UUID, fan: CurrentUser, session: SessionDep, billing: BillingDep
) -> Response:
    receipt = await _receipt(payment_id, fan, session, billing)
    return Response(
        render.pdf(receipt),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="{receipt.number}.pdf"'},
    )
