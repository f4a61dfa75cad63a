"""The notification categories a user can tune, their defaults, and which choices are fixed.

One catalogue for both sides: the api shows and changes preferences with it, and the
notifications service decides with :func:`is_enabled` whether to deliver on a channel. A user's
choice is a ``notification_preferences`` row (user, category, channel); no row means the
category's default, so changing a default here changes it for everyone who never chose.

Assumptions where issue #6 leaves room:

- New posts are two categories because their email defaults differ by audience: ``new_post``
  from creators the user is a member of, for posts their tier opens (email on), and
  ``new_post_followed`` from creators the user follows (email off; a preview without the body
  when the post is for members or paid). A preference row has no creator, so one category
  could not hold both defaults.
- New member, tip and unlock are separate categories, so a creator can e.g. keep tip emails
  and silence unlock emails.
- ``money`` email cannot be turned off (payment succeeded, renewal upcoming or failed,
  membership lapsed): the fan must learn what happens to their money. Its in-app and realtime
  copies can be.
- Welcome, verification and password-reset emails are transactional: not a category, never
  configurable, always sent.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pickey_core.models.notifications import Channel


class Category(StrEnum):
    NEW_POST = "new_post"
    NEW_POST_FOLLOWED = "new_post_followed"
    CREATOR_LIVE = "creator_live"
    NEW_MEMBER = "new_member"
    TIP = "tip"
    UNLOCK = "unlock"
    MONEY = "money"
    COMMENTS = "comments"
    MEDIA_FAILED = "media_failed"


@dataclass(frozen=True)
class CategoryInfo:
    category: Category
    description: str
    defaults: dict[Channel, bool]
    # Channels whose value is fixed at the default: a user cannot change them.
    locked: frozenset[Channel] = frozenset()

    def is_configurable(self, channel: Channel) -> bool:
        return channel not in self.locked


def _defaults(*, email: bool) -> dict[Channel, bool]:
    return {Channel.IN_APP: True, Channel.REALTIME: True, Channel.EMAIL: email}


CATALOGUE: dict[Category, CategoryInfo] = {
    info.category: info
    for info in (
        CategoryInfo(
            Category.NEW_POST,
            "New posts from creators you are a member of.",
            _defaults(email=True),
        ),
        CategoryInfo(
            Category.NEW_POST_FOLLOWED,
            "New posts from creators you follow (a preview when the post is for members).",
            _defaults(email=False),
        ),
        CategoryInfo(
            Category.CREATOR_LIVE,
            "A creator you are a member of went live.",
            _defaults(email=True),
        ),
        CategoryInfo(
            Category.NEW_MEMBER, "Someone joined one of your tiers.", _defaults(email=True)
        ),
        CategoryInfo(Category.TIP, "Someone sent you a tip.", _defaults(email=True)),
        CategoryInfo(Category.UNLOCK, "Someone unlocked one of your posts.", _defaults(email=True)),
        CategoryInfo(
            Category.MONEY,
            "Your payments and memberships: payment succeeded, renewal upcoming or failed, "
            "membership lapsed. Email about money is always sent.",
            _defaults(email=True),
            locked=frozenset({Channel.EMAIL}),
        ),
        CategoryInfo(
            Category.COMMENTS,
            "New comments on your posts and replies to your comments.",
            _defaults(email=False),
        ),
        CategoryInfo(
            Category.MEDIA_FAILED,
            "A photo or video of yours could not be processed.",
            _defaults(email=True),
        ),
    )
}


def is_enabled(category: Category, channel: Channel, chosen: bool | None) -> bool:
    """Whether to deliver ``category`` on ``channel`` given the user's stored choice (None when
    they never chose). A locked channel ignores any stored choice."""
    info = CATALOGUE[category]
    if chosen is None or not info.is_configurable(channel):
        return info.defaults[channel]
    return chosen
