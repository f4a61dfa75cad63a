"""GDPR account deletion (right to erasure, art. 17): anonymise, never break payment history.

The ``users`` row stays, because payments, memberships and unlocks reference it and accounting
must keep them; everything that identifies the person goes:

* email becomes ``deleted-<id>@deleted.invalid`` (the address is free for a new account),
  the display name a neutral label, the password hash a value no password matches;
* follows, likes, poll votes, notification preferences and in-app notifications (with their
  delivery ledger rows) are removed; the user's comments are emptied and marked deleted, so
  threads keep their shape;
* every session ends and every emailed link dies.

A creator whose page still has members (an active or past-due membership: people paying for it)
cannot delete the account: 409 ``creator_has_members`` until those memberships end (cancelled
or lapsed): deleting would take away what the members have paid for. A creator with no members
loses the page with the account: the profile is emptied and its slug freed,
tiers are archived, posts are soft-deleted and emptied, and its followers stop following it.

Memberships and payments are not touched here (``payments`` owns them). ``payments`` must stop
renewing memberships whose fan is deleted (``users.deleted_at``) and must not activate new ones
for deleted fans or for creators of deleted accounts. Uploaded files stay in storage until a
media clean-up job removes the assets of deleted accounts.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import delete, exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_api.auth.service import confirm_password
from pickey_api.auth.throttling import Throttle
from pickey_api.auth.tokens import AccountTokens, TokenPurpose
from pickey_core.errors import Conflict
from pickey_core.models import (
    Comment,
    Creator,
    Follow,
    Like,
    Membership,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    PollVote,
    Post,
    Tier,
    User,
)
from pickey_core.models.memberships import HELD_STATUSES
from pickey_core.sessions import SessionStore

DELETED_USER_NAME = "Deleted user"
DELETED_CREATOR_NAME = "Deleted creator"
# Not an argon2 hash: verification fails for every password (and login refuses deleted users).
UNUSABLE_PASSWORD_HASH = "!deleted"  # noqa: S105 (a marker, not a secret)


class CreatorHasMembers(Conflict):
    code = "creator_has_members"


def deleted_email(user_id: uuid.UUID) -> str:
    return f"deleted-{user_id}@deleted.invalid"


async def delete_account(
    session: AsyncSession,
    store: SessionStore,
    tokens: AccountTokens,
    throttle: Throttle,
    user: User,
    password: str,
    address: str,
) -> None:
    """Anonymise ``user`` after checking their password (see the module docstring)."""
    await confirm_password(throttle, user, password, address)
    now = datetime.now(UTC)
    creator = await session.scalar(
        select(Creator).where(Creator.user_id == user.id).with_for_update()
    )
    if creator is not None:
        if await _has_members(session, creator.id):
            raise CreatorHasMembers(
                "Your creator page still has members. It can be deleted once no membership is "
                "active."
            )
        await _close_creator_page(session, creator, now)
    await _remove_personal_rows(session, user.id, now)
    user.email = deleted_email(user.id)
    user.display_name = DELETED_USER_NAME
    user.password_hash = UNUSABLE_PASSWORD_HASH
    user.email_verified_at = None
    user.deleted_at = now
    await session.flush()
    await store.delete_all(user.id)
    for purpose in TokenPurpose:
        await tokens.revoke_all(purpose, user.id)


async def _has_members(session: AsyncSession, creator_id: uuid.UUID) -> bool:
    held = await session.scalar(
        select(
            exists().where(
                Membership.creator_id == creator_id, Membership.status.in_(HELD_STATUSES)
            )
        )
    )
    return bool(held)


async def _close_creator_page(session: AsyncSession, creator: Creator, now: datetime) -> None:
    creator.slug = f"deleted-{creator.id.hex}"
    creator.display_name = DELETED_CREATOR_NAME
    creator.bio = ""
    creator.avatar_asset_id = None
    creator.cover_asset_id = None
    await session.execute(
        update(Tier)
        .where(Tier.creator_id == creator.id, Tier.archived_at.is_(None))
        .values(archived_at=now)
    )
    await session.execute(
        update(Post)
        .where(Post.creator_id == creator.id)
        .values(title="", body="", deleted_at=func.coalesce(Post.deleted_at, now))
    )
    await session.execute(delete(Follow).where(Follow.creator_id == creator.id))
    await session.flush()


async def _remove_personal_rows(session: AsyncSession, user_id: uuid.UUID, now: datetime) -> None:
    own_notifications = select(Notification.id).where(Notification.recipient_id == user_id)
    await session.execute(
        delete(NotificationDelivery).where(
            NotificationDelivery.notification_id.in_(own_notifications)
        )
    )
    await session.execute(delete(Notification).where(Notification.recipient_id == user_id))
    await session.execute(
        delete(NotificationPreference).where(NotificationPreference.user_id == user_id)
    )
    await session.execute(delete(Follow).where(Follow.follower_id == user_id))
    await session.execute(delete(Like).where(Like.user_id == user_id))
    await session.execute(delete(PollVote).where(PollVote.user_id == user_id))
    await session.execute(
        update(Comment)
        .where(Comment.author_id == user_id)
        .values(body="", deleted_at=func.coalesce(Comment.deleted_at, now))
    )
