"""``POST /trials``: start a free trial of a tier (no card; once per fan and creator)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Depends, status

from pickey_core.errors import NotAuthenticated, NotPermitted, UnsupportedMediaType, error_responses
from pickey_core.http.auth import EmailNotVerified, VerifiedUser
from pickey_core.http.content_type import require_json
from pickey_core.http.dependencies import SessionDep
from pickey_payments.memberships.schemas import MembershipRead
from pickey_payments.trials import service
from pickey_payments.trials.schemas import TrialCreate

router = APIRouter(tags=["memberships"], dependencies=[Depends(require_json)])


@router.post(
    "/trials",
    response_model=MembershipRead,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(
        NotAuthenticated,
        NotPermitted,
        EmailNotVerified,
        UnsupportedMediaType,
        *service.TRIAL_ERRORS,
    ),
    summary="Try a tier free for its trial days; pay by checkout before the end to stay",
)
async def start_trial(data: TrialCreate, fan: VerifiedUser, session: SessionDep) -> MembershipRead:
    membership = await service.start(session, fan, data.tier_id, datetime.now(UTC))
    return MembershipRead.from_membership(membership)
