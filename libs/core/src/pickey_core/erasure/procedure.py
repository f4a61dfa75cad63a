"""Erase one person: every copy the registry lists, in the caller's transaction (flushes only).

Steps are keyed by table (:data:`STEPS`); every table the registry marks ``erase`` or
``anonymise`` has one (a test checks). Steps find the person's rows by indexed keys: their own
rows by user id, other people's notifications about them by event key (``comment:<id>``,
``payment_succeeded:<id>``, ``post:<id>``: the unique index on (event_key, recipient_id)), the
suppression list by address, Mailgun events by the recipient expression index.

The notifications service owns ``notifications``, ``notification_deliveries``,
``notification_preferences``, ``email_suppressions`` and Mailgun's ``webhook_inbox`` rows. The
erasing writes to them are here, in core beside the registry, rather than in a job sent to that
service: erasure must be one transaction (a job would leave a window in which the creator's list
still shows the deleted fan's name, and a lost job would leave it for good), and the rule for
each column is written once, next to its classification.

What runs after the commit (Redis caches the api owns) is the caller's; see :class:`Erased`.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import SecretStr
from sqlalchemy import ColumnElement, delete, func, or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from pickey_core.erasure.suppressions import erased_key, normalised
from pickey_core.models import (
    Comment,
    Creator,
    EmailSuppression,
    Follow,
    Gift,
    InboxEvent,
    Like,
    Membership,
    MembershipEvent,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    Payment,
    PollOption,
    PollVote,
    Post,
    Tier,
    User,
)
from pickey_core.posts_version import bump_posts_version

DELETED_USER_NAME = "Deleted user"
DELETED_CREATOR_NAME = "Deleted creator"
# Not an argon2 hash: verification fails for every password (and login refuses deleted users).
UNUSABLE_PASSWORD_HASH = "!deleted"  # noqa: S105 (a marker, not a secret)

# Keys of notification data that repeat what the person (fan, commenter) wrote or is called,
# blanked in other people's notifications about them.
ACTOR_KEYS: dict[str, Any] = {"fan_name": None, "commenter_name": None, "excerpt": None}
# Keys that repeat a deleted creator's name, page and content in fans' notifications.
CREATOR_KEYS: dict[str, Any] = {
    "creator_name": DELETED_CREATOR_NAME,
    "creator_slug": None,
    "title": None,
    "post_title": None,
    "excerpt": None,
}
# What a Mailgun event about an erased address keeps (its recipient becomes the hash).
MAILGUN_KEPT_KEYS = ("event", "severity", "reason", "timestamp", "id")
_IN_CHUNK = 5_000


def deleted_email(user_id: uuid.UUID) -> str:
    return f"deleted-{user_id}@deleted.invalid"


@dataclass
class Subject:
    """The person being erased, with what their copies are found by (read before any change)."""

    user: User
    email: str
    creator: Creator | None
    now: datetime
    hash_key: SecretStr | None
    comment_ids: list[uuid.UUID] = field(default_factory=list)
    paid_ids: list[uuid.UUID] = field(default_factory=list)
    post_ids: list[uuid.UUID] = field(default_factory=list)
    earned_ids: list[uuid.UUID] = field(default_factory=list)
    comments_on_page_ids: list[uuid.UUID] = field(default_factory=list)


@dataclass(frozen=True)
class Erased:
    """What the caller clears after the commit (caches it owns): the closed page, if any."""

    user_id: uuid.UUID
    creator_id: uuid.UUID | None
    creator_slug: str | None


Step = Callable[[AsyncSession, Subject], Awaitable[None]]


async def erase_person(
    session: AsyncSession,
    user: User,
    *,
    now: datetime,
    hash_key: SecretStr | None,
    creator: Creator | None = None,
) -> Erased:
    """Erase or anonymise every copy of ``user``'s personal data (the caller checked that it may
    happen: password, a creator's members). ``creator`` is their page, locked by the caller."""
    # Locked first: a notification job share-locks the person's row before reading their name
    # or words, so it either finished (and the steps below blank what it wrote) or reads the
    # anonymised row after this commits.
    await session.execute(select(User.id).where(User.id == user.id).with_for_update())
    subject = Subject(user, user.email, creator, now, hash_key)
    subject.comment_ids = list(
        await session.scalars(select(Comment.id).where(Comment.author_id == user.id))
    )
    subject.paid_ids = list(
        await session.scalars(select(Payment.id).where(Payment.fan_id == user.id))
    )
    if creator is not None:
        subject.post_ids = list(
            await session.scalars(select(Post.id).where(Post.creator_id == creator.id))
        )
        subject.earned_ids = list(
            await session.scalars(select(Payment.id).where(Payment.creator_id == creator.id))
        )
        subject.comments_on_page_ids = list(
            await session.scalars(select(Comment.id).where(Comment.post_id.in_(subject.post_ids)))
        )
    erased = Erased(user.id, creator.id if creator else None, creator.slug if creator else None)
    for _table, step in STEPS:
        await step(session, subject)
    await session.flush()
    return erased


def _chunks(values: Sequence[str]) -> list[Sequence[str]]:
    return [values[start : start + _IN_CHUNK] for start in range(0, len(values), _IN_CHUNK)]


async def _blank_notification_data(
    session: AsyncSession, where: ColumnElement[bool], replacements: dict[str, Any]
) -> None:
    """Replace the listed keys (only those present) of the matching notifications' data."""
    rebuilt = text(
        "(SELECT coalesce(jsonb_object_agg(key, CASE WHEN jsonb_exists(CAST(:patch AS jsonb), key)"
        " THEN CAST(:patch AS jsonb) -> key ELSE value END), '{}'::jsonb)"
        " FROM jsonb_each(notifications.data))"
    ).bindparams(patch=json.dumps(replacements))
    await session.execute(
        update(Notification)
        .where(where)
        .values(data=rebuilt)
        .execution_options(synchronize_session=False)
    )


async def _notification_deliveries(session: AsyncSession, subject: Subject) -> None:
    own = select(Notification.id).where(Notification.recipient_id == subject.user.id)
    await session.execute(
        delete(NotificationDelivery).where(NotificationDelivery.notification_id.in_(own))
    )


async def _notifications(session: AsyncSession, subject: Subject) -> None:
    me = subject.user.id
    await session.execute(delete(Notification).where(Notification.recipient_id == me))
    about_me = [f"comment:{id_}" for id_ in subject.comment_ids] + [
        f"payment_succeeded:{id_}" for id_ in subject.paid_ids
    ]
    for keys in _chunks(about_me):
        await _blank_notification_data(session, Notification.event_key.in_(keys), ACTOR_KEYS)
    if subject.creator is None:
        return
    creator_id = str(subject.creator.id)
    about_page = (
        [f"post:{id_}" for id_ in subject.post_ids]
        + [f"payment_succeeded:{id_}" for id_ in subject.earned_ids]
        + [f"comment:{id_}" for id_ in subject.comments_on_page_ids]
    )
    for keys in _chunks(about_page):
        await _blank_notification_data(session, Notification.event_key.in_(keys), CREATOR_KEYS)
    for post_id in subject.post_ids:
        await _blank_notification_data(
            session, Notification.event_key.startswith(f"live:{post_id}:"), CREATOR_KEYS
        )
    # Membership notices (renewals, lapses) name the creator; they went to its members.
    members = select(Membership.fan_id).where(Membership.creator_id == subject.creator.id)
    await _blank_notification_data(
        session,
        Notification.recipient_id.in_(members)
        & (Notification.data["creator_id"].astext == creator_id),
        CREATOR_KEYS,
    )


async def _notification_preferences(session: AsyncSession, subject: Subject) -> None:
    await session.execute(
        delete(NotificationPreference).where(NotificationPreference.user_id == subject.user.id)
    )


async def _email_suppressions(session: AsyncSession, subject: Subject) -> None:
    address = normalised(subject.email)
    await session.execute(
        update(EmailSuppression)
        .where(EmailSuppression.address == address)
        .values(address=erased_key(address, subject.hash_key), detail=None)
    )


async def _webhook_inbox(session: AsyncSession, subject: Subject) -> None:
    address = normalised(subject.email)
    rows = await session.scalars(
        select(InboxEvent).where(
            InboxEvent.provider == "mailgun",
            func.lower(InboxEvent.payload["recipient"].astext) == address,
        )
    )
    hashed = erased_key(address, subject.hash_key)
    for event in rows:
        kept = {key: event.payload[key] for key in MAILGUN_KEPT_KEYS if key in event.payload}
        event.payload = {**kept, "recipient": hashed, "erased": True}
        event.last_error = None


async def _gifts(session: AsyncSession, subject: Subject) -> None:
    """The address a gift was sent to, whether the person bought, redeemed or received it."""
    user_id = subject.user.id
    await session.execute(
        update(Gift)
        .where(
            or_(
                Gift.purchaser_id == user_id,
                Gift.redeemed_by == user_id,
                func.lower(Gift.recipient_email) == normalised(subject.email),
            )
        )
        .values(recipient_email="")
    )


async def _follows(session: AsyncSession, subject: Subject) -> None:
    gone = Follow.follower_id == subject.user.id
    if subject.creator is not None:
        gone = or_(gone, Follow.creator_id == subject.creator.id)
    await session.execute(delete(Follow).where(gone))


async def _likes(session: AsyncSession, subject: Subject) -> None:
    await session.execute(delete(Like).where(Like.user_id == subject.user.id))


async def _poll_votes(session: AsyncSession, subject: Subject) -> None:
    await session.execute(delete(PollVote).where(PollVote.user_id == subject.user.id))


async def _comments(session: AsyncSession, subject: Subject) -> None:
    await session.execute(
        update(Comment)
        .where(Comment.author_id == subject.user.id)
        .values(body="", deleted_at=func.coalesce(Comment.deleted_at, subject.now))
    )


async def _posts(session: AsyncSession, subject: Subject) -> None:
    if subject.creator is None:
        return
    await session.execute(
        update(Post)
        .where(Post.creator_id == subject.creator.id)
        .values(title="", body="", deleted_at=func.coalesce(Post.deleted_at, subject.now))
    )
    await bump_posts_version(session, subject.creator.id)


async def _poll_options(session: AsyncSession, subject: Subject) -> None:
    if subject.creator is None:
        return
    mine = select(Post.id).where(Post.creator_id == subject.creator.id)
    await session.execute(update(PollOption).where(PollOption.post_id.in_(mine)).values(text=""))


async def _tiers(session: AsyncSession, subject: Subject) -> None:
    if subject.creator is None:
        return
    await session.execute(
        update(Tier)
        .where(Tier.creator_id == subject.creator.id)
        .values(description="", archived_at=func.coalesce(Tier.archived_at, subject.now))
    )


async def _creators(session: AsyncSession, subject: Subject) -> None:
    creator = subject.creator
    if creator is None:
        return
    creator.slug = f"deleted-{creator.id.hex}"
    creator.display_name = DELETED_CREATOR_NAME
    creator.bio = ""
    creator.avatar_asset_id = None
    creator.cover_asset_id = None


async def _membership_events(session: AsyncSession, subject: Subject) -> None:
    await session.execute(
        update(MembershipEvent)
        .where(MembershipEvent.fan_id == subject.user.id, MembershipEvent.reason_text.is_not(None))
        .values(reason_text=None)
    )


async def _users(session: AsyncSession, subject: Subject) -> None:
    user = subject.user
    user.share_email_with_creators = False
    user.email = deleted_email(user.id)
    user.display_name = DELETED_USER_NAME
    user.password_hash = UNUSABLE_PASSWORD_HASH
    user.email_verified_at = None
    user.deleted_at = subject.now


# In order: ledger rows before the notifications they hang off; the user row last (earlier steps
# look the person up by their address).
STEPS: list[tuple[str, Step]] = [
    ("notification_deliveries", _notification_deliveries),
    ("notifications", _notifications),
    ("notification_preferences", _notification_preferences),
    ("email_suppressions", _email_suppressions),
    ("webhook_inbox", _webhook_inbox),
    ("gifts", _gifts),
    ("follows", _follows),
    ("likes", _likes),
    ("poll_votes", _poll_votes),
    ("comments", _comments),
    ("posts", _posts),
    ("poll_options", _poll_options),
    ("tiers", _tiers),
    ("creators", _creators),
    ("membership_events", _membership_events),
    ("users", _users),
]
