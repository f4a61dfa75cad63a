"""Every table of the platform. One migration history covers them all (``pickey_core.migrations``).

Each table has one owning service that writes it; the others may read it.
"""

from pickey_core.models.accounts import User
from pickey_core.models.base import Base
from pickey_core.models.creators import Creator, Follow, Tier
from pickey_core.models.discounts import (
    DiscountCode,
    DiscountKind,
    DiscountRedemption,
    PaymentDiscount,
)
from pickey_core.models.gifts import GIFT_MONTHS, Gift, GrantKind, MembershipGrant
from pickey_core.models.media import MediaAsset, MediaKind, MediaStatus
from pickey_core.models.memberships import Membership, MembershipStatus
from pickey_core.models.messaging import IdempotencyKey, InboxEvent, OutboxMessage
from pickey_core.models.money import (
    HOLD_ENTRY_TYPES,
    CreatorFeeTerms,
    DocumentSeries,
    EntryType,
    LedgerAccount,
    LedgerEntry,
    LedgerTransaction,
    Payout,
    PayoutAccount,
    PayoutBatch,
    PayoutBatchState,
    PayoutOrder,
    Refund,
    RefundState,
    TransactionKind,
)
from pickey_core.models.notifications import (
    Channel,
    DeliveryState,
    EmailSuppression,
    Notification,
    NotificationDelivery,
    NotificationPreference,
    SuppressionReason,
)
from pickey_core.models.payments import Payment, PaymentKind, PaymentState, PostUnlock
from pickey_core.models.posts import (
    Comment,
    Like,
    LiveState,
    LiveStream,
    Poll,
    PollOption,
    PollResultsVisibility,
    PollVote,
    Post,
    PostAccess,
    PostKind,
    PostStatus,
    PostTier,
)

__all__ = [
    "GIFT_MONTHS",
    "HOLD_ENTRY_TYPES",
    "Base",
    "Channel",
    "Comment",
    "Creator",
    "CreatorFeeTerms",
    "DeliveryState",
    "DiscountCode",
    "DiscountKind",
    "DiscountRedemption",
    "DocumentSeries",
    "EmailSuppression",
    "EntryType",
    "Follow",
    "Gift",
    "GrantKind",
    "IdempotencyKey",
    "InboxEvent",
    "LedgerAccount",
    "LedgerEntry",
    "LedgerTransaction",
    "Like",
    "LiveState",
    "LiveStream",
    "MediaAsset",
    "MediaKind",
    "MediaStatus",
    "Membership",
    "MembershipGrant",
    "MembershipStatus",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "OutboxMessage",
    "Payment",
    "PaymentDiscount",
    "PaymentKind",
    "PaymentState",
    "Payout",
    "PayoutAccount",
    "PayoutBatch",
    "PayoutBatchState",
    "PayoutOrder",
    "Poll",
    "PollOption",
    "PollResultsVisibility",
    "PollVote",
    "Post",
    "PostAccess",
    "PostKind",
    "PostStatus",
    "PostTier",
    "PostUnlock",
    "Refund",
    "RefundState",
    "SuppressionReason",
    "Tier",
    "TransactionKind",
    "User",
]
