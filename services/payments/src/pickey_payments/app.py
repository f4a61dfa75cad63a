"""The payments HTTP app: checkout, the gateway's browser return, the fan's memberships."""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from pickey_core.http.app import create_app as create_service_app
from pickey_core.resources import Resources
from pickey_payments.anomalies.endpoints import router as anomalies_router
from pickey_payments.checkout.endpoints import router as checkout_router
from pickey_payments.discounts.endpoints import router as discounts_router
from pickey_payments.gateway import Gateway
from pickey_payments.gifts.endpoints import router as gifts_router
from pickey_payments.ledger.endpoints import router as ledger_router
from pickey_payments.memberships.endpoints import router as memberships_router
from pickey_payments.payments.endpoints import router as payments_router
from pickey_payments.payout_accounts.endpoints import router as payout_accounts_router
from pickey_payments.payouts.creator_endpoints import router as payout_creator_router
from pickey_payments.payouts.operator_endpoints import router as payout_operator_router
from pickey_payments.receipts.endpoints import router as receipts_router
from pickey_payments.refunds.endpoints import router as refunds_router
from pickey_payments.returns.endpoints import router as returns_router
from pickey_payments.returns.replays import PaidReturns
from pickey_payments.settings import PaymentsSettings
from pickey_payments.tier_changes.endpoints import router as tier_changes_router
from pickey_payments.trials.endpoints import router as trials_router


def create_app(settings: PaymentsSettings, resources: Resources | None = None) -> FastAPI:
    v1 = APIRouter(prefix="/payments/v1")
    v1.include_router(checkout_router)
    v1.include_router(memberships_router)
    v1.include_router(tier_changes_router)
    v1.include_router(trials_router)
    v1.include_router(returns_router)
    v1.include_router(refunds_router)
    v1.include_router(receipts_router)
    v1.include_router(payments_router)
    v1.include_router(payout_accounts_router)
    v1.include_router(payout_operator_router)
    v1.include_router(ledger_router)
    v1.include_router(payout_creator_router)
    v1.include_router(anomalies_router)
    v1.include_router(discounts_router)
    v1.include_router(gifts_router)

    gateway = Gateway.open(settings)

    async def close_gateway(app: FastAPI) -> None:
        await gateway.aclose()

    app = create_service_app(
        settings,
        title="Pickey payments",
        routers=[v1],
        resources=resources,
        on_shutdown=close_gateway,
    )
    app.state.gateway = gateway
    app.state.paid_returns = PaidReturns()
    return app
