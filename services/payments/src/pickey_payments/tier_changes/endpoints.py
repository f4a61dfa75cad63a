"""``POST /memberships/{id}/upgrade``: a dearer tier now, its prorated difference charged."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from fastapi import APIRouter, Depends, status

from pickey_core.errors import NotAuthenticated, NotPermitted, UnsupportedMediaType, error_responses
from pickey_core.http.auth import EmailNotVerified, VerifiedUser
from pickey_core.http.content_type import require_json
from pickey_core.http.dependencies import SessionDep
from pickey_payments.memberships.service import MembershipEnded, MembershipNotFound
from pickey_payments.plans.prices import NoYearlyPrice
from pickey_payments.tier_changes import upgrades
from pickey_payments.tier_changes.schemas import UpgradeCreate, UpgradeRead

router = APIRouter(tags=["memberships"], dependencies=[Depends(require_json)])


@router.post(
    "/memberships/{membership_id}/upgrade",
    response_model=UpgradeRead,
    status_code=status.HTTP_202_ACCEPTED,
    responses=error_responses(
        NotAuthenticated,
        NotPermitted,
        EmailNotVerified,
        UnsupportedMediaType,
        MembershipNotFound,
        MembershipEnded,
        NoYearlyPrice,
        *upgrades.UPGRADE_ERRORS,
    ),
    summary="Upgrade now: the prorated difference is charged to your card, then the tier is yours",
)
async def upgrade(
    membership_id: uuid.UUID, data: UpgradeCreate, fan: VerifiedUser, session: SessionDep
) -> UpgradeRead:
    payment = await upgrades.start(session, fan, membership_id, data.tier_id, datetime.now(UTC))
    return UpgradeRead.from_payment(payment)
