"""Every kind of notification this service writes: its preference category, its email template
and the channels it uses. One table, read by every sender, so a kind is handled the same way
whether a job sends it first or the delivery sweeper resumes it.

A notification's ``kind`` is what the web app switches on; its ``data`` holds the facts the
texts need (names, titles, amounts), so an email can be rendered again from the row alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pickey_core.models import Channel
from pickey_core.notification_categories import CATALOGUE, Category

EVERY_CHANNEL = frozenset({Channel.IN_APP, Channel.REALTIME, Channel.EMAIL})


class Kind(StrEnum):
    WELCOME = "welcome"
    VERIFY_EMAIL = "verify_email"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of email, not a password
    NEW_POST = "new_post"
    NEW_POST_FOLLOWED = "new_post_followed"
    CREATOR_LIVE = "creator_live"
    NEW_MEMBER = "new_member"
    TIP = "tip"
    UNLOCK = "unlock"
    PAYMENT_SUCCEEDED = "payment_succeeded"
    RENEWAL_UPCOMING = "renewal_upcoming"
    RENEWAL_FAILED = "renewal_failed"
    PAY_BY_HAND = "pay_by_hand"
    MEMBERSHIP_LAPSED = "membership_lapsed"
    TRIAL_ENDING = "trial_ending"
    REFUND_SUCCEEDED = "refund_succeeded"
    NEW_COMMENT = "new_comment"
    COMMENT_REPLY = "comment_reply"
    MEDIA_FAILED = "media_failed"
    PAYOUT_ACCOUNT_CHANGED = "payout_account_changed"
    # Sent to the address the buyer gave (``data.deliver_to``), kept under the buyer's account.
    GIFT_RECEIVED = "gift_received"
    DISCOUNT_EXPIRING = "discount_expiring"
    # Events on a creator's channel (members and the creator listen), not for one person: the
    # row is kept under the creator's user only to anchor its ledger entry, never listed.
    CREATOR_CHANNEL_POST = "creator_channel_post"
    CREATOR_CHANNEL_LIVE = "creator_channel_live"


@dataclass(frozen=True)
class KindInfo:
    kind: Kind
    # None: an account email, not a category a user can tune (always sent).
    category: Category | None
    channels: frozenset[Channel]
    # False when the email needs something the row does not keep (a one-time link's token):
    # only its own job can send it, the delivery sweeper leaves it alone.
    resumable: bool = True

    @property
    def template(self) -> str:
        """Folder of the email templates (followers get the same email as members)."""
        return Kind.NEW_POST.value if self.kind is Kind.NEW_POST_FOLLOWED else self.kind.value

    @property
    def transactional(self) -> bool:
        """Always emailed, to suppressed addresses too, and without an unsubscribe link:
        account emails and money (whose email the catalogue locks on)."""
        if self.category is None:
            return True
        return not CATALOGUE[self.category].is_configurable(Channel.EMAIL)


def _info(kind: Kind, category: Category | None, *channels: Channel, **options: bool) -> KindInfo:
    return KindInfo(kind, category, frozenset(channels) or EVERY_CHANNEL, **options)


KINDS: dict[Kind, KindInfo] = {
    info.kind: info
    for info in (
        _info(Kind.WELCOME, None, Channel.EMAIL),
        _info(Kind.VERIFY_EMAIL, None, Channel.EMAIL, resumable=False),
        _info(Kind.PASSWORD_RESET, None, Channel.EMAIL, resumable=False),
        _info(Kind.NEW_POST, Category.NEW_POST),
        _info(Kind.NEW_POST_FOLLOWED, Category.NEW_POST_FOLLOWED),
        _info(Kind.CREATOR_LIVE, Category.CREATOR_LIVE),
        _info(Kind.NEW_MEMBER, Category.NEW_MEMBER),
        _info(Kind.TIP, Category.TIP),
        _info(Kind.UNLOCK, Category.UNLOCK),
        _info(Kind.PAYMENT_SUCCEEDED, Category.MONEY),
        _info(Kind.RENEWAL_UPCOMING, Category.MONEY),
        _info(Kind.RENEWAL_FAILED, Category.MONEY),
        _info(Kind.PAY_BY_HAND, Category.MONEY),
        _info(Kind.MEMBERSHIP_LAPSED, Category.MONEY),
        _info(Kind.TRIAL_ENDING, Category.MONEY),
        _info(Kind.REFUND_SUCCEEDED, Category.MONEY),
        _info(Kind.NEW_COMMENT, Category.COMMENTS),
        _info(Kind.COMMENT_REPLY, Category.COMMENTS),
        _info(Kind.MEDIA_FAILED, Category.MEDIA_FAILED),
        _info(Kind.PAYOUT_ACCOUNT_CHANGED, Category.MONEY),
        _info(Kind.GIFT_RECEIVED, Category.MONEY, Channel.EMAIL),
        _info(Kind.DISCOUNT_EXPIRING, Category.MONEY),
        _info(Kind.CREATOR_CHANNEL_POST, None, Channel.REALTIME),
        _info(Kind.CREATOR_CHANNEL_LIVE, None, Channel.REALTIME),
    )
}
