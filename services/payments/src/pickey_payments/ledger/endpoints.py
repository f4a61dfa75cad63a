"""Ledger routes: the creator's balance and earnings; the operator's ledger per account."""

from __future__ import annotations

import uuid
from datetime import datetime

from fastapi import APIRouter, Depends, Query

from pickey_core.errors import NotAuthenticated, error_responses
from pickey_core.http.content_type import require_json
from pickey_core.http.creators import CurrentCreator, NotACreator
from pickey_core.http.dependencies import SessionDep
from pickey_core.models import LedgerAccount
from pickey_core.pagination import Cursor, InvalidCursor, Limit, Page, decode_cursor, page_of
from pickey_payments.dependencies import BillingDep
from pickey_payments.ledger import repository, service
from pickey_payments.ledger.schemas import BalanceRead, BalancesRead, EntryRead
from pickey_payments.operator_access import CurrentOperator, NotOperator

router = APIRouter(tags=["earnings"], dependencies=[Depends(require_json)])

CREATOR_ACCOUNTS = (LedgerAccount.CREATOR, LedgerAccount.PAYOUTS_IN_TRANSIT)


@router.get(
    "/creator/balance",
    response_model=BalancesRead,
    responses=error_responses(NotAuthenticated, NotACreator),
    summary="Your money per currency: held, available, in transit",
)
async def balance(
    creator: CurrentCreator, session: SessionDep, billing: BillingDep
) -> BalancesRead:
    rows = await service.balances(session, creator.id, billing.money)
    return BalancesRead(
        hold_days=billing.money.hold_days,
        balances=[
            BalanceRead(
                currency=row.currency,
                held=row.held,
                available=row.available,
                in_transit=row.in_transit,
            )
            for row in rows
        ],
    )


@router.get(
    "/creator/earnings",
    response_model=Page[EntryRead],
    responses=error_responses(NotAuthenticated, NotACreator, InvalidCursor),
    summary="Everything that moved your balance (shares of payments, refunds, payouts), newest "
    "first",
)
async def earnings(
    creator: CurrentCreator, session: SessionDep, limit: Limit = 20, cursor: Cursor = None
) -> Page[EntryRead]:
    before = decode_cursor(cursor, datetime, int) if cursor else None
    query = repository.creator_entries_query(creator.id, LedgerAccount.CREATOR, before, limit + 1)
    rows = (await session.execute(query)).all()
    return page_of(
        [EntryRead.of(entry, tx) for entry, tx in rows],
        limit,
        lambda item: (item.created_at, item.id),
    )


@router.get(
    "/operator/ledger/{account}",
    response_model=Page[EntryRead],
    responses=error_responses(NotAuthenticated, NotOperator, InvalidCursor),
    tags=["operator"],
    summary="One ledger account's entries, newest first (a creator's own with creator_id)",
)
async def account_ledger(
    account: LedgerAccount,
    operator: CurrentOperator,
    session: SessionDep,
    creator_id: uuid.UUID | None = Query(default=None),
    limit: Limit = 20,
    cursor: Cursor = None,
) -> Page[EntryRead]:
    if creator_id is not None:
        before = decode_cursor(cursor, datetime, int) if cursor else None
        query = repository.creator_entries_query(creator_id, account, before, limit + 1)
        rows = (await session.execute(query)).all()
        items = [EntryRead.of(entry, tx) for entry, tx in rows]
        return page_of(items, limit, lambda item: (item.created_at, item.id))
    (before_id,) = decode_cursor(cursor, int) if cursor else (None,)
    rows = (
        await session.execute(repository.account_entries_query(account, before_id, limit + 1))
    ).all()
    return page_of([EntryRead.of(entry, tx) for entry, tx in rows], limit, lambda item: (item.id,))
