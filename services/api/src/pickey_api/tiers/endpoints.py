"""Tier routes: the creator's own tiers under ``/creators/me/tiers``, one tier at ``/tiers/{id}``.

Only the owner reaches these; another creator's tier id answers 404 like a missing one.
"""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, status

from pickey_api.public_cache.creator_pages import PageInvalidationDep
from pickey_api.settings import SettingsDep
from pickey_api.tiers import service
from pickey_api.tiers.schemas import TierCreate, TierOrder, TierRead, TierUpdate
from pickey_core.errors import NotAuthenticated, NotPermitted, UnsupportedMediaType, error_responses
from pickey_core.http.creators import CurrentCreator, NotACreator
from pickey_core.http.dependencies import SessionDep

router = APIRouter(tags=["tiers"])

_AUTH_ERRORS = (NotAuthenticated, NotPermitted, NotACreator)


def _limits(settings: SettingsDep) -> service.TierLimits:
    return service.TierLimits(
        open=settings.max_tiers_per_creator, total=settings.max_tiers_including_archived
    )


TierLimitsDep = Annotated[service.TierLimits, Depends(_limits)]


@router.get(
    "/creators/me/tiers",
    response_model=list[TierRead],
    responses=error_responses(NotAuthenticated, NotACreator),
    summary="All your tiers: open ones in order, then archived ones",
)
async def my_tiers(creator: CurrentCreator, session: SessionDep) -> list[TierRead]:
    # Not paginated: a creator has at most PICKEY_MAX_TIERS_INCLUDING_ARCHIVED tiers.
    return [TierRead.from_tier(tier) for tier in await service.list_tiers(session, creator)]


@router.post(
    "/creators/me/tiers",
    status_code=status.HTTP_201_CREATED,
    response_model=TierRead,
    responses=error_responses(
        *_AUTH_ERRORS,
        service.PriceOutOfRange,
        service.YearlyPriceOutOfRange,
        service.CurrencyMismatch,
        service.TierLimitReached,
        UnsupportedMediaType,
    ),
    summary="Create a tier",
)
async def create_tier(
    pages: PageInvalidationDep,
    data: TierCreate,
    limits: TierLimitsDep,
    creator: CurrentCreator,
    session: SessionDep,
) -> TierRead:
    tier = await service.create_tier(session, creator, data, limits, pages)
    return TierRead.from_tier(tier)


@router.put(
    "/creators/me/tiers/order",
    response_model=list[TierRead],
    responses=error_responses(
        *_AUTH_ERRORS,
        service.TierOrderDuplicate,
        service.TierOrderUnknownTier,
        service.TierOrderIncomplete,
        UnsupportedMediaType,
    ),
    summary="Reorder your open tiers (send every one of them, in the new order)",
)
async def reorder_tiers(
    pages: PageInvalidationDep,
    data: TierOrder,
    creator: CurrentCreator,
    session: SessionDep,
) -> list[TierRead]:
    tiers = await service.reorder_tiers(session, creator, data.tier_ids, pages)
    return [TierRead.from_tier(tier) for tier in tiers]


@router.patch(
    "/tiers/{tier_id}",
    response_model=TierRead,
    responses=error_responses(
        *_AUTH_ERRORS,
        service.TierNotFound,
        service.PriceOutOfRange,
        service.YearlyPriceOutOfRange,
        service.TierPriceLocked,
        UnsupportedMediaType,
    ),
    summary="Edit a tier's name, description or price",
)
async def edit_tier(
    pages: PageInvalidationDep,
    tier_id: uuid.UUID,
    data: TierUpdate,
    creator: CurrentCreator,
    session: SessionDep,
) -> TierRead:
    return TierRead.from_tier(await service.update_tier(session, creator, tier_id, data, pages))


@router.post(
    "/tiers/{tier_id}/archive",
    response_model=TierRead,
    responses=error_responses(*_AUTH_ERRORS, service.TierNotFound),
    summary="Archive a tier: no new members; members stay (idempotent)",
)
async def archive_tier(
    pages: PageInvalidationDep,
    tier_id: uuid.UUID,
    creator: CurrentCreator,
    session: SessionDep,
) -> TierRead:
    return TierRead.from_tier(await service.archive_tier(session, creator, tier_id, pages))


@router.post(
    "/tiers/{tier_id}/unarchive",
    response_model=TierRead,
    responses=error_responses(*_AUTH_ERRORS, service.TierNotFound, service.TierLimitReached),
    summary="Open an archived tier again, after your other open tiers (idempotent)",
)
async def unarchive_tier(
    pages: PageInvalidationDep,
    tier_id: uuid.UUID,
    limits: TierLimitsDep,
    creator: CurrentCreator,
    session: SessionDep,
) -> TierRead:
    tier = await service.unarchive_tier(session, creator, tier_id, limits, pages)
    return TierRead.from_tier(tier)


@router.delete(
    "/tiers/{tier_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    responses=error_responses(
        *_AUTH_ERRORS, service.TierNotFound, service.TierHasMembers, service.TierUsedByPosts
    ),
    summary="Delete a tier nobody ever held (else archive it)",
)
async def delete_tier(
    pages: PageInvalidationDep,
    tier_id: uuid.UUID,
    creator: CurrentCreator,
    session: SessionDep,
) -> None:
    await service.delete_tier(session, creator, tier_id, pages)
