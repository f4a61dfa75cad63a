"""``GET /operator/anomalies``: money states a person should look at."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends

from pickey_core.errors import NotAuthenticated, error_responses
from pickey_core.http.content_type import require_json
from pickey_core.http.dependencies import SessionDep
from pickey_payments.anomalies import service
from pickey_payments.anomalies.schemas import AnomalyReport
from pickey_payments.operator_access import CurrentOperator, NotOperator

router = APIRouter(prefix="/operator", tags=["operator"], dependencies=[Depends(require_json)])


@router.get(
    "/anomalies",
    response_model=AnomalyReport,
    responses=error_responses(NotAuthenticated, NotOperator),
    summary="Negative balances, unbooked payments, stuck refunds, open payout batches",
)
async def anomalies(operator: CurrentOperator, session: SessionDep) -> AnomalyReport:
    return await service.report(session, datetime.now(UTC))
