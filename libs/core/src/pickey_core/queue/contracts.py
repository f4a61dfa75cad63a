"""The contract between services: which queue consumes which job, and each job's payload.

Producers and consumers import these models and nothing else of each other. Payloads travel as
JSON (``model_dump(mode="json")``) and are validated again by the consumer.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict


class Queue(StrEnum):
    """One arq queue per consuming service."""

    API = "pickey:queue:api"
    PAYMENTS = "pickey:queue:payments"
    MEDIA = "pickey:queue:media"
    NOTIFICATIONS = "pickey:queue:notifications"


class JobPayload(BaseModel):
    """Base of every job payload. Subclasses set ``job_name`` and ``queue``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    job_name: ClassVar[str]
    queue: ClassVar[Queue]


class SendWelcome(JobPayload):
    """A new account: greet the user (email and in-app)."""

    job_name = "notifications.send_welcome"
    queue = Queue.NOTIFICATIONS

    user_id: UUID


class SendAccountEmail(JobPayload):
    """An account email carrying a one-time link (verify the address, reset the password).

    The raw token travels in the payload (and so sits in the outbox row until it is pruned);
    the api stores only its hash, it expires within hours and works once.
    """

    job_name = "notifications.send_account_email"
    queue = Queue.NOTIFICATIONS

    user_id: UUID
    purpose: Literal["verify_email", "password_reset"]
    token: str


class AnnounceNewPost(JobPayload):
    """A post became visible (published and its media ready): tell members and followers."""

    job_name = "notifications.announce_new_post"
    queue = Queue.NOTIFICATIONS

    post_id: UUID


class ProcessImage(JobPayload):
    """The original of an image asset is in storage: verify it and make its variants."""

    job_name = "media.process_image"
    queue = Queue.MEDIA

    asset_id: UUID


class AnnouncePayment(JobPayload):
    """A payment became ``paid``: tell the fan (category ``money``) and, for a first membership
    payment, a tip or an unlock, the creator (``new_member`` / ``tip`` / ``unlock``). A renewal
    tells only the fan. Read the payment row (kind, fan, creator, tier, post, amount) for the rest.

    Deduplicate on ``payment_succeeded:<payment_id>``: payments enqueues it once per payment,
    but the queue is at-least-once.
    """

    job_name = "notifications.announce_payment"
    queue = Queue.NOTIFICATIONS

    payment_id: UUID


class RecheckPayment(JobPayload):
    """A paid browser return arrived for a payment settled as failed or cancelled (``reason``:
    its state then). Payments asks the gateway (``getPaymentStatus``) and lets its answer win.
    Idempotent: a payment already corrected, or one the gateway says is not paid, is left."""

    job_name = "payments.recheck_payment"
    queue = Queue.PAYMENTS

    payment_id: UUID
    reason: str


class ProcessRefund(JobPayload):
    """Send a refund (a ``refunds`` row, already committed ``requested``) to the gateway, or find
    out what became of one whose answer was lost. Idempotent: claim → commit → call → record;
    a refund that was sent is only ever asked about, never sent again."""

    job_name = "payments.process_refund"
    queue = Queue.PAYMENTS

    refund_id: UUID


class ChargeUpgrade(JobPayload):
    """Charge the prorated difference of a tier upgrade (an ``upgrade`` payment, committed
    ``pending``) against the membership's master payment, or find out what became of a charge
    whose answer was lost. Idempotent: claim → commit → call → record, like a renewal charge."""

    job_name = "payments.charge_upgrade"
    queue = Queue.PAYMENTS

    payment_id: UUID


class AnnounceRefund(JobPayload):
    """A refund succeeded: tell the fan (category ``money``) how much came back for what, and
    whether the membership or unlock it paid for ended. Read the ``refunds`` row and its payment.
    Deduplicate on ``refund_succeeded:<refund_id>``."""

    job_name = "notifications.announce_refund"
    queue = Queue.NOTIFICATIONS

    refund_id: UUID


class AnnounceGift(JobPayload):
    """A gift membership was paid: e-mail its code to the address the buyer gave (category
    ``money``, transactional). Read the ``gifts`` row. Deduplicate on
    ``gift_received:<gift_id>``."""

    job_name = "notifications.announce_gift"
    queue = Queue.NOTIFICATIONS

    gift_id: UUID


class DiscountExpiring(JobPayload):
    """A creator's discount code expires soon (``expires_at``): tell the creator (in-app and
    e-mail, category ``money``). Deduplicate on ``discount_expiring:<code_id>``."""

    job_name = "notifications.discount_expiring"
    queue = Queue.NOTIFICATIONS

    discount_code_id: UUID


class MembershipNotice(JobPayload):
    """Something about a fan's membership billing the fan must hear (category ``money``).

    - ``renewal_upcoming``: the card will be charged at ``period_end``.
    - ``renewal_failed``: the charge ``payment_id`` failed; ``retry_at`` is the next try (None: no
      more tries, the membership lapses at the end of the grace period).
    - ``pay_by_hand``: the card can no longer be charged automatically (recurring chain broken or
      the bank requires authentication, PRCODE 33/34/85/86); the fan must pay again by hand.
    - ``trial_ending``: the free trial ends at ``period_end``; the fan pays by checkout to stay.
    - ``membership_lapsed``: the membership ended (unpaid after the retries, or cancelled and the
      period ended).

    ``event_key`` names the occurrence (e.g. ``renewal_failed:<payment_id>``); deliver each
    notice once per key and recipient.
    """

    job_name = "notifications.membership_notice"
    queue = Queue.NOTIFICATIONS

    membership_id: UUID
    notice: Literal[
        "renewal_upcoming", "renewal_failed", "pay_by_hand", "membership_lapsed", "trial_ending"
    ]
    event_key: str
    payment_id: UUID | None = None
    period_end: datetime | None = None
    retry_at: datetime | None = None


class PayoutAccountChanged(JobPayload):
    """A creator set a new payout bank account: email them (category ``money``, always sent), so
    a change they did not make is noticed before the next payout. Read the ``payout_accounts``
    row for the holder and the IBAN (the email shows its last four digits only). Deduplicate on
    ``payout_account_changed:<payout_account_id>``."""

    job_name = "notifications.payout_account_changed"
    queue = Queue.NOTIFICATIONS

    payout_account_id: UUID


class AnnounceLive(JobPayload):
    """A creator's live stream became active: tell the members entitled to the live post ("X is
    live") once per broadcast. ``broadcast_id`` names this broadcast (the Mux asset recording it,
    or another id unique per broadcast); deduplicate on ``live:<post_id>:<broadcast_id>``."""

    job_name = "notifications.announce_live"
    queue = Queue.NOTIFICATIONS

    post_id: UUID
    broadcast_id: str


class AnnounceMediaFailed(JobPayload):
    """A creator's photo or video could not be processed: tell the creator, with the asset's
    recorded reason (``media_assets.failure_reason``). Deduplicate on
    ``media_failed:<asset_id>``."""

    job_name = "notifications.announce_media_failed"
    queue = Queue.NOTIFICATIONS

    asset_id: UUID


class HandleMuxEvent(JobPayload):
    """A Mux webhook event was stored in the inbox (``webhook_inbox``): apply it to our uploads,
    videos and live streams. The inbox row is the event; the job carries only its id."""

    job_name = "media.handle_mux_event"
    queue = Queue.MEDIA

    inbox_event_id: UUID


class AnnounceComment(JobPayload):
    """A comment was written: tell the post's creator ("new comment on your post") and, for a
    reply, the author of the comment replied to ("reply to your comment"); never the commenter
    themselves. Deduplicate on ``comment:<comment_id>`` (one notification per recipient even
    when the creator is also the parent's author)."""

    job_name = "notifications.announce_comment"
    queue = Queue.NOTIFICATIONS

    comment_id: UUID


class FanOutChunk(JobPayload):
    """One slice of an announcement's audience (new post, creator live), enqueued by the
    notifications service itself: the recipients of ``audience`` whose user id is in
    (``after``, ``until``] (open ends when None). Chunks are independent: several workers share
    them and a crash redoes one chunk only."""

    job_name = "notifications.fan_out_chunk"
    queue = Queue.NOTIFICATIONS

    announcement: Literal["new_post", "creator_live"]
    post_id: UUID
    broadcast_id: str | None = None
    audience: Literal["active_members", "past_due_members", "followers"]
    after: UUID | None = None
    until: UUID | None = None


class HandleMailgunEvent(JobPayload):
    """A verified Mailgun webhook stored in the inbox: apply it (suppress an address that failed
    for good or complained, turn email off for an unsubscribe) and mark it processed."""

    job_name = "notifications.handle_mailgun_event"
    queue = Queue.NOTIFICATIONS

    inbox_event_id: UUID
