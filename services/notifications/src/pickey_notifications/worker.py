"""The notifications worker: consumes the notifications queue and sweeps the delivery ledger."""

from __future__ import annotations

from typing import Any

from pickey_core.queue.contracts import (
    AnnounceComment,
    AnnounceGift,
    AnnounceLive,
    AnnounceMediaFailed,
    AnnounceNewPost,
    AnnouncePayment,
    AnnounceRefund,
    DiscountExpiring,
    FanOutChunk,
    HandleMailgunEvent,
    MembershipNotice,
    PayoutAccountChanged,
    Queue,
    SendAccountEmail,
    SendWelcome,
)
from pickey_core.queue.worker import JobRoute, PeriodicJob, WorkerOptions, worker_options
from pickey_notifications.account_emails.tasks import send_account_email
from pickey_notifications.comment_notices.tasks import announce_comment
from pickey_notifications.deliveries.tasks import sweep
from pickey_notifications.mailgun_webhooks.tasks import handle_mailgun_event
from pickey_notifications.media_notices.tasks import announce_media_failed
from pickey_notifications.offers.tasks import announce_gift, discount_expiring
from pickey_notifications.payment_notices.tasks import (
    announce_payment,
    announce_refund,
    membership_notice,
)
from pickey_notifications.payout_notices.tasks import payout_account_changed
from pickey_notifications.post_announcements.tasks import (
    announce_live,
    announce_new_post,
    fan_out_chunk,
)
from pickey_notifications.settings import NotificationsSettings
from pickey_notifications.welcome.tasks import send_welcome
from pickey_notifications.worker_resources import NotificationsWorkerResources

ROUTES: list[JobRoute[NotificationsWorkerResources, Any]] = [
    JobRoute(SendWelcome, send_welcome),
    JobRoute(SendAccountEmail, send_account_email),
    JobRoute(AnnounceNewPost, announce_new_post),
    JobRoute(AnnounceLive, announce_live),
    JobRoute(FanOutChunk, fan_out_chunk),
    JobRoute(AnnouncePayment, announce_payment),
    JobRoute(MembershipNotice, membership_notice),
    JobRoute(AnnounceRefund, announce_refund),
    JobRoute(AnnounceGift, announce_gift),
    JobRoute(DiscountExpiring, discount_expiring),
    JobRoute(AnnounceComment, announce_comment),
    JobRoute(AnnounceMediaFailed, announce_media_failed),
    JobRoute(PayoutAccountChanged, payout_account_changed),
    JobRoute(HandleMailgunEvent, handle_mailgun_event),
]


def notifications_worker(settings: NotificationsSettings) -> WorkerOptions:
    return worker_options(
        settings,
        Queue.NOTIFICATIONS,
        open_service=lambda: NotificationsWorkerResources.open(settings),
        routes=ROUTES,
        periodic=[
            # Every minute, from the first whole minute after start-up (as it always ran).
            PeriodicJob(
                "notifications.resume_deliveries",
                sweep,
                timeout=settings.worker.job_timeout_seconds,
                second={0},
                run_at_startup=False,
            ),
        ],
    )
