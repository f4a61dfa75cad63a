"""Checkout routes: start paying (``POST /checkouts``), follow a payment (``GET /payments/{id}``).

Both need the fan's session (shared with the api through Redis); a write needs its CSRF header.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Depends, status

from pickey_core.errors import NotAuthenticated, NotPermitted, UnsupportedMediaType, error_responses
from pickey_core.http.auth import CurrentUser, EmailNotVerified, VerifiedUser
from pickey_core.http.content_type import require_json
from pickey_core.http.dependencies import SessionDep
from pickey_payments.checkout import service
from pickey_payments.checkout.schemas import CheckoutCreate, CheckoutRead, GatewayForm
from pickey_payments.dependencies import GatewayDep
from pickey_payments.discounts import service as discounts
from pickey_payments.discounts.schemas import AppliedDiscount
from pickey_payments.errors import PaymentNotFound
from pickey_payments.payments import service as payments
from pickey_payments.payments.schemas import PaymentRead

router = APIRouter(tags=["checkout"])


@router.post(
    "/checkouts",
    status_code=status.HTTP_201_CREATED,
    response_model=CheckoutRead,
    dependencies=[Depends(require_json)],
    responses=error_responses(
        NotAuthenticated,
        NotPermitted,
        EmailNotVerified,
        UnsupportedMediaType,
        *service.CHECKOUT_ERRORS,
    ),
    summary="Start paying for a membership, a tip or a paid post (needs a verified email)",
)
async def create_checkout(
    # No ``= Body()``: FastAPI would replace the union's ``Field(discriminator="kind")`` with it
    # and validate the body against every kind (nine details for one bad tier_id).
    data: CheckoutCreate,
    fan: VerifiedUser,
    session: SessionDep,
    gateway: GatewayDep,
) -> CheckoutRead:
    payment, order = await service.start(session, gateway, fan, data)
    applied = await discounts.applied_to(session, payment.id)
    return CheckoutRead(
        payment_id=payment.id,
        order_number=payment.order_number,
        kind=payment.kind,
        state=payment.state,
        amount=payment.amount,
        currency=payment.currency,
        discount=AppliedDiscount.of(*applied) if applied else None,
        description=order.form_fields().get("DESCRIPTION", ""),
        redirect_url=order.redirect_url(gateway.config.order_url),
        form=GatewayForm(action=gateway.config.order_url, fields=order.form_fields()),
    )


@router.get(
    "/payments/{payment_id}",
    response_model=PaymentRead,
    responses=error_responses(NotAuthenticated, PaymentNotFound),
    summary="One of your payments (the result page follows it until it is settled)",
)
async def get_payment(payment_id: uuid.UUID, fan: CurrentUser, session: SessionDep) -> PaymentRead:
    return PaymentRead.from_payment(await payments.get_own(session, fan, payment_id))
