"""GDPR account deletion (right to erasure, art. 17): erase every copy, never break payment history.

The rules per table live in :mod:`pickey_core.erasure` (the registry and the procedure); this
module checks that deletion may happen and runs it in the request's transaction:

* the ``users`` row stays, because payments, memberships and unlocks reference it and accounting
  must keep them; its email becomes ``deleted-<id>@deleted.invalid`` (the address is free for a
  new account), the display name a neutral label, the password hash a value no password matches;
* follows, likes, poll votes, preferences, the person's notifications and their ledger rows go;
  other people's notifications about them lose the name and words (``fan_name``,
  ``commenter_name``, ``excerpt``); comments are emptied and marked deleted, so threads keep
  their shape; a suppressed address becomes a keyed hash; Mailgun events keep only their type;
* every session ends and every emailed link dies; after the commit, the person's remembered
  home-feed pages and a closed creator page's cached page and post lists are dropped from Redis.

A creator whose page still has members (an active or past-due membership: people paying for it)
cannot delete the account: 409 ``creator_has_members`` until those memberships end (cancelled
or lapsed): deleting would take away what the members have paid for. A creator with no members
loses the page with the account: the profile is emptied and its slug freed, tiers are archived,
posts are soft-deleted and emptied, and its followers stop following it.

Memberships and payments are not touched here (``payments`` owns them). ``payments`` must stop
renewing memberships whose fan is deleted (``users.deleted_at``) and must not activate new ones
for deleted fans or for creators of deleted accounts. Uploaded files stay in storage until a
media clean-up job removes the assets of deleted accounts.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from arq.connections import ArqRedis
from pydantic import SecretStr
from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.auth.service import confirm_password
from pickey_api.auth.throttling import Throttle
from pickey_api.auth.tokens import AccountTokens, TokenPurpose
from pickey_api.feeds.cache import forget_creator_posts, forget_first_pages
from pickey_api.public_cache.creator_pages import forget_creator_page
from pickey_core import after_commit
from pickey_core.erasure.procedure import Erased, erase_person
from pickey_core.errors import Conflict
from pickey_core.models import Creator, Membership, User
from pickey_core.models.memberships import HELD_STATUSES
from pickey_core.sessions import SessionStore


class CreatorHasMembers(Conflict):
    code = "creator_has_members"


async def delete_account(
    session: AsyncSession,
    store: SessionStore,
    tokens: AccountTokens,
    throttle: Throttle,
    user: User,
    password: str,
    address: str,
    *,
    redis: ArqRedis,
    hash_key: SecretStr | None,
) -> None:
    """Erase ``user`` after checking their password (see the module docstring)."""
    await confirm_password(throttle, user, password, address)
    creator = await session.scalar(
        select(Creator).where(Creator.user_id == user.id).with_for_update()
    )
    if creator is not None and await _has_members(session, creator.id):
        raise CreatorHasMembers(
            "Your creator page still has members. It can be deleted once no membership is active."
        )
    erased = await erase_person(
        session, user, now=datetime.now(UTC), hash_key=hash_key, creator=creator
    )
    await store.delete_all(user.id)
    for purpose in TokenPurpose:
        await tokens.revoke_all(purpose, user.id)
    _forget_caches_after_commit(session, redis, erased)


def _forget_caches_after_commit(session: AsyncSession, redis: ArqRedis, erased: Erased) -> None:
    slug, creator_id = erased.creator_slug, erased.creator_id

    async def forget() -> None:
        await forget_first_pages(redis, erased.user_id)
        if slug is not None and creator_id is not None:
            await forget_creator_page(redis, slug)
            await forget_creator_posts(redis, creator_id)

    after_commit.register(session, forget)


async def _has_members(session: AsyncSession, creator_id: uuid.UUID) -> bool:
    held = await session.scalar(
        select(
            exists().where(
                Membership.creator_id == creator_id, Membership.status.in_(HELD_STATUSES)
            )
        )
    )
    return bool(held)
